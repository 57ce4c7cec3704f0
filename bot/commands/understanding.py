"""``cchc-bot parse-update``: how the bot reads an officer's message, without Telegram.

The same reader the chat uses (:func:`plans.understanding.read_message`),
with no database: ``--tasks FILE`` is a JSON list ``[{"number": 7, "code":
null, "title": "…"}]`` of the person's tasks (for codes and title words).
``--json`` prints the public contract documented in
:mod:`plans.understanding.reader`; without it, one line per draft.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.commands import SubParsers
from locales import t
from plans.errors import UserError
from plans.understanding import Reading, TaskRef, read_message


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "parse-update",
        help=t("understanding.cli.help"),
        description=t("understanding.cli.help"),
        epilog=t("understanding.cli.example"),
    )
    p.add_argument("text", help=t("understanding.cli.text"))
    p.add_argument("--tasks", default=None, help=t("understanding.cli.tasks"))
    p.add_argument(
        "--reply-to",
        dest="reply_to",
        type=int,
        action="append",
        default=[],
        help=t("understanding.cli.reply_to"),
    )
    p.add_argument("--json", action="store_true", help=t("understanding.cli.json"))
    p.set_defaults(handler=_parse)


def load_tasks(path: str) -> list[TaskRef]:
    """Read a ``--tasks`` file; a malformed one is a :class:`UserError` naming the file."""
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            TaskRef(int(row["number"]), row.get("code") or None, str(row.get("title") or ""))
            for row in rows
        ]
    except OSError as exc:
        raise UserError("understanding.cli.tasks_unreadable", path=path) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UserError("understanding.cli.tasks_malformed", path=path) from exc


def describe(reading: Reading, lang: str | None = None) -> list[str]:
    """Human lines for one reading (the CLI's plain output and the demo's replay)."""
    if reading.question is not None:
        numbers = ", ".join(str(u.task_number) for u in reading.updates if u.task_number)
        return [t(f"understanding.question.{reading.question}", lang, tasks=numbers or "—")]
    if reading.small_talk:
        return [t("understanding.small_talk", lang)]
    lines = []
    for update in reading.updates:
        parts = [
            t("understanding.task", lang, number=update.task_number)
            if update.task_number is not None
            else t("understanding.task_unknown", lang)
        ]
        if update.percent is not None:
            parts.append(f"{update.percent}%")
        if update.status is not None:
            parts.append(t(f"understanding.status.{update.status}", lang))
        if update.output:
            parts.append(t("understanding.output", lang, output=update.output))
        lines.append(" · ".join(parts))
    for need in reading.needs:
        lines.append(t(f"understanding.needs.{need}", lang))
    return lines


def _parse(args: argparse.Namespace) -> int:
    tasks = load_tasks(args.tasks) if args.tasks else None
    reading = read_message(args.text, tasks, reply_tasks=args.reply_to)
    if args.json:
        json.dump(reading.to_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print("\n".join(describe(reading)))
    return 0
