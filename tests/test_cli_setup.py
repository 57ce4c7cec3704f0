"""Setting an organization up from the command line, without Telegram."""

from __future__ import annotations

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_org_unit_person_set_up(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "org", "add", "Vĩnh Linh", "--kind", "huyen")[0] == 0
    code, out, _ = run(capsys, "org", "add", "UBND xã Vĩnh Khê", "--parent", "Vĩnh Linh")
    assert code == 0 and "xã Vĩnh Khê" in out
    code, out, _ = run(
        capsys, "unit", "add", "Tư pháp - Hộ tịch", "--org", "vinh khe", "--alias", "TP-HT"
    )
    assert code == 0 and "TP-HT" in out
    code, out, _ = run(
        capsys, "unit", "alias", "Tư pháp - Hộ tịch", "Tư pháp – HT", "--org", "Vĩnh Khê"
    )
    assert code == 0 and "Tư pháp – HT" in out
    code, out, _ = run(
        capsys,
        "person",
        "add",
        "Nguyễn Văn An",
        "--org",
        "Vĩnh Khê",
        "--unit",
        "tp-ht",
        "--telegram-id",
        "1001",
    )
    assert code == 0
    code, out, _ = run(
        capsys,
        "person",
        "add",
        "Lê Thị Hoa",
        "--org",
        "Vĩnh Khê",
        "--role",
        "chairman",
        "--telegram-id",
        "1002",
    )
    assert code == 0
    code, out, _ = run(capsys, "person", "list", "--org", "Vĩnh Khê")
    assert "Nguyễn Văn An" in out and "Tư pháp - Hộ tịch" in out and "1001" in out
    assert "Lê Thị Hoa" in out and "Chủ tịch" in out
    code, out, _ = run(capsys, "org", "list")
    assert "Vĩnh Linh" in out and "Vĩnh Khê" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("unit", "add", "Tài chính", "--org", "Không có"), "Không tìm thấy đơn vị hành chính"),
        (("person", "add", "A", "--org", "Vĩnh Khê", "--unit", "Ma"), "Không tìm thấy bộ phận"),
        (("person", "add", "A", "--org", "Vĩnh Khê"), "ít nhất một bộ phận"),
        (("org", "add", "Vĩnh Khê"), "đã có"),
        (
            (
                "person",
                "add",
                "B",
                "--org",
                "Vĩnh Khê",
                "--role",
                "chairman",
                "--telegram-id",
                "1001",
            ),
            "đã gắn với",
        ),
    ],
)
def test_bad_set_up_is_refused_clearly(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], fragment: str
) -> None:
    run(capsys, "org", "add", "Vĩnh Khê")
    run(capsys, "unit", "add", "Tư pháp - Hộ tịch", "--org", "Vĩnh Khê")
    run(
        capsys,
        "person",
        "add",
        "An",
        "--org",
        "Vĩnh Khê",
        "--unit",
        "Tư pháp - Hộ tịch",
        "--telegram-id",
        "1001",
    )
    code, _, err = run(capsys, *args)
    assert code == 1
    assert fragment in err
    assert "Traceback" not in err


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import build_parser

    parser = build_parser()
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for name, sub in action.choices.items():
            text = sub.format_help()
            nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
            if nested:
                for leaf_name, leaf in nested[0].choices.items():
                    assert "Ví dụ" in leaf.format_help(), f"{name} {leaf_name} lacks an example"
            else:
                assert "Ví dụ" in text, f"{name} lacks an example"
