"""``cchc-bot demo`` serves the dashboard and prints signed links to it (``:web``)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from bot.cli import main
from sandbox.devserver.server import DEFAULT_TOKEN
from webapp.initdata import validate

LINK = re.compile(r"http://127\.0\.0\.1:\d+/#\S+")


def _user_of(url: str) -> int:
    fragment = parse_qs(urlsplit(url).fragment)
    data = fragment["tgWebAppData"][0]
    return validate(data, DEFAULT_TOKEN, now=time.time()).id


def test_demo_prints_signed_dashboard_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "web.txt"
    script.write_text(
        "\n".join([":web", ":as chairman", "/tongquan", "#1", ":web district", ":help"]),
        encoding="utf-8",
    )
    db = tmp_path / "demo.sqlite3"
    code = main(["demo", "--script", str(script), "--db", str(db), "--speed", "1"])
    output = capsys.readouterr().out
    assert code == 0, output
    links = LINK.findall(output)
    # banner (chairman), :web as An (refused role, said so), the 📊 button, :web district
    assert len(links) == 4, output
    banner, as_an, button, district = links
    assert _user_of(banner) == 910_006 and _user_of(button) == 910_006
    assert _user_of(as_an) == 910_001 and _user_of(district) == 910_007
    assert "📊 Bảng điều khiển của Lê Văn Hùng" in output
    assert "Nguyễn Văn An sẽ thấy lời từ chối" in output
    assert "[1] 📊 Bảng điều khiển" in output  # the web_app button under /tongquan
    assert ":web [NGƯỜI]" in output
    assert unquote(button).count("auth_date=") == 1
