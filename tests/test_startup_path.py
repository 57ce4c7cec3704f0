"""What ``cchc-bot run`` does before its first ``getUpdates``, kept from growing back (issue 17).

Start-up time itself is measured in bench/ (``bench_startup``); these check
the choices that keep it short: the collector paused while start-up builds
its long-lived objects, the CLI importing only the command it runs, and the
PostgreSQL dialect left out of a bot that does not use it. Each check fails
if its choice is undone.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bot
from bot import cli

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


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with bot.collector_paused():
        assert not gc.isenabled()
        with bot.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on early
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error_and_stays_off_if_it_was() -> None:
    with pytest.raises(RuntimeError), bot.collector_paused():
        raise RuntimeError("start-up failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with bot.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


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
    # httpx's command-line client and what it would pull in where installed (bot.UNUSED_BY_PTB)
    assert {"httpx._main", "click", "rich", "pygments"}.isdisjoint(loaded)
    assert "httpx" in loaded
