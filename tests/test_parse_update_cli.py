"""``cchc-bot parse-update``: the reader's CLI twin and its public JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

TASKS = str(Path(__file__).parent / "data" / "understanding_tasks.json")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["parse-update", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract_for_two_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "số 7 xong, số 8 được 50%", "--tasks", TASKS, "--json")
    assert code == 0
    assert json.loads(out) == {
        "updates": [
            {
                "task_number": 7,
                "percent": 100,
                "status": "done",
                "output": None,
                "note": "số 7 xong",
            },
            {
                "task_number": 8,
                "percent": 50,
                "status": "in_progress",
                "output": None,
                "note": "số 8 được 50%",
            },
        ],
        "needs": [],
        "question": None,
    }


def test_json_contract_keys_and_types(capsys: pytest.CaptureFixture[str]) -> None:
    for text in ["đã ban hành KH số 20/KH-UBND ngày 05/3", "gần xong", "tôi còn việc gì?", "chào"]:
        _, out, _ = run(capsys, text, "--tasks", TASKS, "--json")
        data = json.loads(out)
        assert set(data) == {"updates", "needs", "question"}
        assert data["question"] in (None, "deadline", "my_tasks")
        assert set(data["needs"]) <= {"task", "percent"}
        for update in data["updates"]:
            assert set(update) == {"task_number", "percent", "status", "output", "note"}
            assert update["status"] in (None, "done", "in_progress", "not_started")


def test_output_and_title_words(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "ke hoach tuyen truyen: da ban hanh KH so 20/KH-UBND", "--tasks", TASKS, "--json"
    )
    (update,) = json.loads(out)["updates"]
    assert (update["task_number"], update["output"]) == (12, "KH so 20/KH-UBND")


def test_without_tasks_file_a_plain_number_still_reads(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "nv10 được 3/4", "--json")
    assert json.loads(out)["updates"][0]["task_number"] == 10
    assert json.loads(out)["updates"][0]["percent"] == 75


def test_reply_to_names_the_task(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "được một nửa", "--reply-to", "4", "--json")
    assert json.loads(out)["updates"][0]["task_number"] == 4
    _, out, _ = run(capsys, "được một nửa", "--reply-to", "3", "--reply-to", "4", "--json")
    assert json.loads(out)["needs"] == ["task"]


def test_plain_output_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "số 7 xong, số 8 gần xong", "--tasks", TASKS)
    assert code == 0
    assert out.splitlines() == [
        "Nhiệm vụ số 7 · 100% · hoàn thành",
        "Nhiệm vụ số 8 · đang thực hiện",
        "→ cần hỏi: tỷ lệ hoàn thành",
    ]


def test_bad_tasks_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "tasks.json"
    bad.write_text('{"number": 1}', encoding="utf-8")
    code, out, err = run(capsys, "xong", "--tasks", str(bad), "--json")
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "không đúng dạng" in err
    code, _, err = run(capsys, "xong", "--tasks", str(tmp_path / "missing.json"))
    assert code == 1 and "Không đọc được" in err
