"""The running bot loads its heavy libraries only when a feature first needs them (issue 17).

matplotlib with numpy, openpyxl, python-docx, dateparser, the PDF readers,
aiohttp and Alembic together are more than half of what the bot would hold
resident; an idle bot serves chat and the tick without any of them. The
guard imports the production entry points in a fresh interpreter, as
``cchc-bot run`` does, and lists what got loaded: one top-level import added
anywhere on that path shows up here, not months later as a fatter container.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from storage.migrate import database_revisions, script_heads, upgrade

ROOT = Path(__file__).resolve().parents[1]

HEAVY = (
    "matplotlib",
    "numpy",
    "PIL",
    "openpyxl",
    "docx",
    "lxml",
    "dateparser",
    "pypdf",
    "pdfplumber",
    "pdfminer",
    "segno",
    "rapidfuzz",
    "fontTools",
    "aiohttp",
    "alembic",
    "webapp",
    # imported by python-telegram-bot whenever installed, for Passport and its own webhook
    # server, neither of which the bot uses (bot.UNUSED_BY_PTB)
    "cryptography",
    "tornado",
)

ENTRY = """
import importlib, json, sys
import bot.cli, bot.app, bot.commands.run, handlers, scheduler.jobs
for name in handlers.FEATURE_MODULES:
    importlib.import_module(name)
parser = bot.cli.build_parser()  # imports every command module, as `cchc-bot run` does
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
import plans.export_docx  # what a /baocao loads: the probe must see it
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter on this tree, so what it loads is what ``code`` imports."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_bot_and_its_handlers_import_no_heavy_library() -> None:
    done = fresh_python(ENTRY)
    assert done.returncode == 0, done.stderr
    at_start, after_report = (set(json.loads(line)) for line in done.stdout.splitlines()[-2:])
    assert {"telegram", "handlers", "scheduler"} <= at_start  # the probe did import the bot
    assert sorted(at_start & set(HEAVY)) == []
    assert {"docx", "lxml"} <= after_report  # and it sees a library once a feature loads it


def test_the_libraries_hidden_from_telegram_stay_importable_later() -> None:
    """pdfminer.six needs cryptography for a protected PDF: hiding it from PTB at start must
    not leave it unimportable, nor PTB half-loaded."""
    code = (
        "import sys, bot.cli, telegram._bot as b; "
        "print('cryptography' in sys.modules, b.CRYPTO_INSTALLED, 'telegram.ext' in sys.modules); "
        "import cryptography.hazmat.primitives.ciphers, pdfminer.pdfparser; "
        "print('cryptography' in sys.modules)"
    )
    done = fresh_python(code)
    assert done.stdout.split() == ["False", "False", "True", "True"], done.stderr


def test_script_heads_read_without_alembic_match_alembic() -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    alembic_heads = set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
    assert script_heads() == alembic_heads


def test_upgrade_if_behind_runs_alembic_only_when_behind(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    assert asyncio.run(database_revisions(url)) == set()
    upgrade(url, "0001")  # a database stamped at the first revision is behind; at head it is not
    heads = script_heads()
    assert heads is not None and asyncio.run(database_revisions(url)) == {"0001"}
    code = (
        "import sys; from storage.migrate import upgrade_if_behind as u; "
        f"ran = u({url!r}); print(ran, 'alembic' in sys.modules)"
    )
    first = fresh_python(code)
    assert first.stdout.split() == ["True", "True"], first.stderr
    assert asyncio.run(database_revisions(url)) == heads
    again = fresh_python(code)
    assert again.stdout.split() == ["False", "False"], again.stderr


def test_the_working_day_calendar_loads_vietnam_only() -> None:
    code = (
        "import sys; from datetime import date; from plans import workdays; "
        "print(workdays.is_working_day(date(2024, 5, 4)), workdays.is_holiday(date(2024, 4, 29)), "
        "'holidays.countries' in sys.modules, 'holidays.countries.vietnam' in sys.modules)"
    )
    done = fresh_python(code)
    # 4/5/2024 is a Saturday worked for 29/4 off: the library's VN calendar, the other
    # countries never imported
    assert done.stdout.split() == ["True", "True", "False", "True"], done.stderr
