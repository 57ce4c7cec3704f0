"""What ``cchc-bot run`` does before its first ``getUpdates``, kept from growing back (issue 17).

Start-up time itself is measured in bench/ (``bench_startup``); these check
the choices that keep it short: the collector paused while start-up builds
its long-lived objects, the CLI importing only the command it runs, and the
PostgreSQL dialect left out of a bot that does not use it. Each check fails
if its choice is undone.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bot import cli
from plans.regex import lazy_compile

ROOT = Path(__file__).resolve().parents[1]


def _probe(code: str) -> list[object]:
    """Run ``code`` in a fresh interpreter as the bot's process would; its last line, parsed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    result: list[object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_a_startup_phase_pauses_the_collector_then_freezes_what_it_built() -> None:
    """In a fresh interpreter: freezing inside this test process would keep its garbage."""
    seen = _probe(
        "import gc, json\n"
        "from bot import startup_phase\n"
        "before = gc.get_freeze_count()\n"
        "with startup_phase():\n"
        "    inside = gc.isenabled()\n"
        "    built = [[n] for n in range(10_000)]\n"
        "after = gc.get_freeze_count()\n"
        "print(json.dumps([inside, gc.isenabled(), after - before >= 10_000]))\n"
    )
    assert seen == [False, True, True]


def test_a_failed_startup_phase_restores_the_collector_as_it_was() -> None:
    seen = _probe(
        "import gc, json\n"
        "from bot import startup_phase\n"
        "try:\n"
        "    with startup_phase():\n"
        "        raise RuntimeError('start-up failed')\n"
        "except RuntimeError:\n"
        "    pass\n"
        "back_on = gc.isenabled()\n"
        "gc.disable()\n"
        "with startup_phase():\n"
        "    pass\n"
        "print(json.dumps([back_on, gc.isenabled()]))\n"
    )
    assert seen == [True, False]


def test_importing_the_cli_leaves_the_collector_on() -> None:
    assert _probe("import gc, json, bot.cli\nprint(json.dumps([gc.isenabled()]))") == [True]


def test_the_command_table_names_what_each_module_registers() -> None:
    """A command missing from ``COMMANDS`` (or in the wrong module) would be unreachable
    by name: each module, registered alone, adds exactly the commands the table gives it."""
    for module in cli.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        importlib.import_module(module).register(subparsers)
        assert set(subparsers.choices) == {c for c, m in cli.COMMANDS.items() if m == module}


def test_a_named_command_builds_only_its_own_parser() -> None:
    def commands(parser: argparse.ArgumentParser) -> set[str]:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return set(action.choices)

    assert commands(cli.build_parser(["season", "--help"])) == {
        "import-scores",
        "export-evidence",
        "season",
    }
    assert commands(cli.build_parser(["run"])) == {"run"}
    for argv in ([], ["--help"], ["rn"], None):  # the full list, and argparse's suggestions
        assert commands(cli.build_parser(argv)) == set(cli.COMMANDS)


def test_run_loads_neither_other_commands_nor_the_postgresql_dialect() -> None:
    """What ``cchc-bot run`` imports on SQLite, up to the handlers and the scheduler."""
    loaded = _probe(
        "import json, sys\n"
        "import bot.cli, bot.app, handlers\n"
        "handlers.register_all(bot.app.ApplicationBuilder().token('1:a').build())\n"
        "bot.cli.build_parser(['run'])\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    assert "bot.commands.run" in loaded and "scheduler.planner" in loaded
    commands = [m for m in loaded if str(m).startswith("bot.commands.")]
    assert sorted(commands) == ["bot.commands.run"]
    assert "sqlalchemy.dialects.postgresql" not in loaded
    # the plan and scorecard readers wait for the first file (tests/test_plan_upload*.py and
    # tests/test_par_index_desk.py send one)
    assert {"plans.importing", "storage.plan_import", "plans.par_index.reader"}.isdisjoint(loaded)
    # httpx's command-line client and what it would pull in where installed (bot.UNUSED_BY_PTB)
    assert {"httpx._main", "click", "rich", "pygments"}.isdisjoint(loaded)
    assert "httpx" in loaded


def test_a_lazy_pattern_acts_as_the_compiled_one_and_compiles_once() -> None:
    lazy = lazy_compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})", re.IGNORECASE)
    compiled = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})", re.IGNORECASE)
    assert "_compiled" not in vars(lazy)  # nothing compiled before the first use
    text = "hạn 5/9, rồi 30/10"
    assert lazy.search(text).groupdict() == compiled.search(text).groupdict()  # type: ignore[union-attr]
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.sub("x", text) == compiled.sub("x", text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert (lazy.groups, lazy.groupindex, lazy.flags) == (
        compiled.groups,
        compiled.groupindex,
        compiled.flags,
    )
    assert lazy.pattern == compiled.pattern
    first = vars(lazy)["_compiled"]
    lazy.match("1/2")
    assert vars(lazy)["_compiled"] is first


def test_the_domain_modules_compile_no_pattern_at_import() -> None:
    """The bot's own patterns wait for their first use (plans.regex); a ``re.compile`` at
    module level in a module the bot imports at start shows up here by file."""
    compiled_by = _probe(
        "import json, re, sys\n"
        "files = []\n"
        "real = re._compile\n"
        "def spy(pattern, flags):\n"
        "    files.append(sys._getframe(2).f_code.co_filename)\n"
        "    return real(pattern, flags)\n"
        "re._compile = spy\n"
        "import bot.cli, bot.app, handlers\n"
        "handlers._modules()\n"
        "import plans.importing, plans.par_index.reader, plans.roster, plans.understanding\n"
        f"ours = {{f for f in files if f.startswith({str(ROOT)!r}) and 'site-packages' not in f}}\n"
        "print(json.dumps(sorted(ours)))\n"
    )
    assert compiled_by == []
