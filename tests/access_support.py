"""Helpers for the access-control matrix and the chat fuzzers (not a test module).

Three things both suites need and the officers' helpers do not give:

* a **whole-database snapshot** (every table, every row) so "a refusal
  changes nothing" is checked against all tables, not the few a feature
  author thought of;
* **forged button presses**: Telegram only lets a client press buttons it was
  shown, but buttons go stale, are forwarded, or sit in a group where other
  people see them; :func:`forge_press` builds the callback query the way the
  fake server does, on a bot message of the presser's chat, with any data;
* a **Bot API failure recorder**: the bot swallows some ``BadRequest``s
  (``send_to``, ``edit_or_reply`` log them), so a reply that broke Telegram's
  limits would pass unnoticed; :class:`FailedCalls` sees every refused call
  at the fake server itself.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import itertools
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, select
from telegram.ext import AIORateLimiter

from core.settings import get_settings
from plans.text import match_key
from sandbox.devserver import Limits
from sandbox.devserver.errors import ApiError
from sandbox.devserver.state import CallbackAnswer, Chat, Message, User
from sandbox.harness import BotHarness, sqlite_url
from storage.db import Database
from storage.drafts import PLAN_UPLOAD, save_draft
from storage.extensions import request_extension
from storage.invitations import record_join_request
from storage.models import (
    Base,
    Field,
    OrgKind,
    Plan,
    Task,
    TaskUnit,
    Unit,
    UnitRole,
)
from tests.db_template import fast_upgrade_async, seed_once
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    OTHER_CHAIR_TG,
    VIEWER_TG,
    Commune,
    seed_commune,
)

STRANGER_TG = 3001
ROLE_TG = {
    "stranger": STRANGER_TG,
    "officer_unit": OFFICER_TP_TG,  # Tư pháp - Hộ tịch: tasks 3, 4 (lead), 2 (coordinating)
    "officer_other_unit": OFFICER_TC_TG,  # Tài chính + Một cửa: tasks 5, 6, 7
    "other_org_chairman": OTHER_CHAIR_TG,  # xã Vĩnh Tú
    "chairman": CHAIRMAN_TG,
    "admin": ADMIN_TG,
    "viewer": VIEWER_TG,  # huyện Vĩnh Linh
}
ROLES = tuple(ROLE_TG)
NOWHERE = 987_654  # an id no table holds


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """The seeded commune plus what the matrix points at in the neighbour commune."""

    commune: Commune
    other_task_id: int = 0
    other_field_id: int = 0
    other_unit_id: int = 0
    field_ids: dict[str, int] = field(default_factory=dict)
    far_org_id: int = 0  # xã Gio Mỹ, huyện Gio Linh: outside the viewer's district
    far_unit_id: int = 0
    far_task_id: int = 0
    far_field_id: int = 0


async def _one_task_plan(
    session: Any, org_id: int, unit_id: int, name: str, content: str
) -> tuple[int, int]:
    """A plan of one overdue task (Tư pháp leads it) in ``org_id``: (task id, field id)."""
    plan = Plan(
        organization_id=org_id,
        number="7/KH-UBND",
        issued_on=date(2024, 1, 10),
        year=2024,
        title=f"Kế hoạch CCHC {name} năm 2024",
        imported_at=datetime(2024, 1, 11, tzinfo=UTC),
    )
    session.add(plan)
    await session.flush()
    fld = Field(plan_id=plan.id, key="I", ordinal=1, title="Cải cách thể chế")
    session.add(fld)
    await session.flush()
    task = Task(
        plan_id=plan.id,
        field_id=fld.id,
        number=1,
        code="1",
        content=content,
        content_key=match_key(content),
        lead_units_text="Tư pháp - Hộ tịch",
        deadline_text="Trước 31/5/2024",
        deadline_kind="date",
        due_date=date(2024, 5, 31),
    )
    session.add(task)
    await session.flush()
    session.add(TaskUnit(task_id=task.id, unit_id=unit_id, role=UnitRole.LEAD))
    return task.id, fld.id


async def seed_world(db: Database) -> World:
    """seed_commune, a one-task plan in xã Vĩnh Tú (same district, another organization),
    and xã Gio Mỹ under another district (huyện Gio Linh), which the viewer must not see."""
    from storage.directory import add_organization, add_unit

    commune = await seed_commune(db)
    world = World(commune)
    async with db.write() as session:
        unit_id = await session.scalar(
            select(Unit.id).where(Unit.organization_id == commune.other_org_id)
        )
        assert unit_id is not None
        world.other_task_id, world.other_field_id = await _one_task_plan(
            session,
            commune.other_org_id,
            unit_id,
            "xã Vĩnh Tú",
            "Rà soát thủ tục hành chính xã Vĩnh Tú",
        )
        world.other_unit_id = unit_id
        await add_organization(session, "Gio Linh", kind=OrgKind.DISTRICT)
        far = await add_organization(session, "Gio Mỹ", kind=OrgKind.COMMUNE, parent="Gio Linh")
        far_unit = await add_unit(session, far.id, "Tư pháp - Hộ tịch")
        world.far_org_id, world.far_unit_id = far.id, far_unit.id
        world.far_task_id, world.far_field_id = await _one_task_plan(
            session, far.id, far_unit.id, "xã Gio Mỹ", "Kiểm tra công vụ xã Gio Mỹ"
        )
        rows = await session.execute(
            select(Field.key, Field.id).where(Field.plan_id == commune.plan_id)
        )
        world.field_ids = {key: fid for key, fid in rows}
    return world


_EXTENSION_DAYS = itertools.count(1)


async def new_extension(harness: BotHarness, world: World, *, other_org: bool = False) -> int:
    """A fresh pending extension (task 4 by the Tư pháp officer, or Vĩnh Tú's task).

    Each one asks for a later day than any before, so an earlier approval
    never makes the next request "not later than the current deadline".
    """
    from storage.directory import person_by_telegram_id

    now = harness.clock.now()
    async with harness.database.write() as session:
        tg = OTHER_CHAIR_TG if other_org else OFFICER_TP_TG
        person = await person_by_telegram_id(session, tg)
        assert person is not None
        task_id = world.other_task_id if other_org else world.commune.task_ids[4]
        info = await request_extension(
            session,
            person=person,
            task_id=task_id,
            new_due=date(2025, 1, 1) + timedelta(days=next(_EXTENSION_DAYS)),
            reason="ma trận quyền",
            today=now.date(),
            now=now,
        )
        return info.id


async def new_join_request(
    harness: BotHarness, telegram_user_id: int, organization_id: int | None = None
) -> int:
    """An open join request to ``organization_id`` (default: xã Vĩnh Khê, the seeded commune)."""
    from storage.models import Organization

    async with harness.database.write() as session:
        if organization_id is None:
            organization_id = await session.scalar(
                select(Organization.id).where(Organization.name == "Vĩnh Khê")
            )
        request, _ = await record_join_request(
            session,
            telegram_user_id=telegram_user_id,
            full_name="Người lạ",
            language="vi",
            now=harness.clock.now(),
            organization_id=organization_id,
        )
        return request.id


async def new_progress_draft(harness: BotHarness, world: World, tg: int, task_number: int) -> int:
    """An open "được 60%" draft of person ``tg`` about one task (candidates: tasks 3 and 4)."""
    from storage.directory import person_by_telegram_id

    async with harness.database.write() as session:
        person = await person_by_telegram_id(session, tg)
        assert person is not None
        ids = world.commune.task_ids
        draft = await save_draft(
            session,
            person_id=person.id,
            organization_id=person.organization_id,
            task_id=ids[task_number],
            candidates=(ids[3], ids[4]),
            data={"percent": 60, "status_text": None, "output": None, "note": "được 60%"},
            now=harness.clock.now(),
        )
        return draft.id


async def new_upload_draft(harness: BotHarness, tg: int, filename: str = "ke-hoach.xlsx") -> int:
    """A pending plan upload of person ``tg`` (never confirmable: its file is no workbook)."""
    from storage.directory import person_by_telegram_id

    stored = harness.api.state.store_file(
        b"PK\x03\x04 not a workbook", kind="documents", file_name=filename, mime_type=None
    )
    async with harness.database.write() as session:
        person = await person_by_telegram_id(session, tg)
        assert person is not None
        draft = await save_draft(
            session,
            person_id=person.id,
            organization_id=person.organization_id,
            task_id=None,
            candidates=(),
            data={
                "file_id": stored.file_id,
                "filename": filename,
                "names": ["Tổ Công nghệ"],
            },
            now=harness.clock.now(),
            kind=PLAN_UPLOAD,
        )
        return draft.id


# --------------------------------------------------------------------------- snapshots

Rows = Counter[tuple[str, ...]]  # a multiset of rows, each the repr of its values


@dataclass(frozen=True)
class Snapshot:
    """The database at one moment, as :func:`diff` compares it.

    On PostgreSQL: every row of every table. On SQLite: a mark in a change log
    that triggers keep (:func:`_install_change_log`), so a comparison costs
    what changed, not what is stored (reading every table twice per row was
    most of the access matrix's time, and the tables grow along a module).
    """

    tables: dict[str, Rows] | None = None
    path: str | None = None  # SQLite: the database file whose change log ``seq`` points in
    seq: int = 0


async def snapshot(db: Database) -> Snapshot:
    """The database now, for a before/after comparison with :func:`diff`."""
    if db.is_sqlite:
        path = make_url(db.url).database
        assert path, db.url
        return Snapshot(path=path, seq=_log_mark(path))
    tables: dict[str, Rows] = {}
    async with db.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(select(table))
            tables[table.name] = Counter(tuple(repr(v) for v in row) for row in rows)
    return Snapshot(tables=tables)


CHANGE_LOG = "_test_row_changes"


def _install_change_log(connection: sqlite3.Connection) -> None:
    """Triggers that log every row written: its table, +1/-1 and its values (model order).

    An update logs the old row as removed and the new one as added; a write that
    puts back what was there nets out in :func:`_changes`, as in a full comparison.
    """
    statements = [
        f"CREATE TABLE IF NOT EXISTS {CHANGE_LOG} "
        "(seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT, sign INTEGER, row TEXT)"
    ]
    for table in Base.metadata.sorted_tables:
        name = table.name
        old, new = _log_row(table, -1, "OLD"), _log_row(table, 1, "NEW")
        statements += [
            f'CREATE TRIGGER IF NOT EXISTS "_log_i_{name}" AFTER INSERT ON "{name}" '
            f"BEGIN {new} END",
            f'CREATE TRIGGER IF NOT EXISTS "_log_d_{name}" AFTER DELETE ON "{name}" '
            f"BEGIN {old} END",
            f'CREATE TRIGGER IF NOT EXISTS "_log_u_{name}" AFTER UPDATE ON "{name}" '
            f"BEGIN {old} {new} END",
        ]
    with connection:
        for statement in statements:
            connection.execute(statement)


def _log_row(table: Any, sign: int, alias: str) -> str:
    values = ", ".join(f'{alias}."{c.name}"' for c in table.columns)
    return (
        f"INSERT INTO {CHANGE_LOG} (tbl, sign, row) "
        f"VALUES ('{table.name}', {sign}, json_array({values}));"
    )


_LOG_CONNECTIONS: dict[str, sqlite3.Connection] = {}


def _log_connection(path: str) -> sqlite3.Connection:
    """One connection per database file, kept open: a new one parses the whole schema
    (every trigger) again, which costs more than the comparison itself."""
    connection = _LOG_CONNECTIONS.get(path)
    if connection is None:
        if not _LOG_CONNECTIONS:
            atexit.register(_close_log_connections)
        connection = _LOG_CONNECTIONS[path] = sqlite3.connect(path, timeout=10)
    return connection


def _close_log_connections() -> None:
    while _LOG_CONNECTIONS:
        _LOG_CONNECTIONS.popitem()[1].close()


def _log_mark(path: str) -> int:
    """The last change logged in ``path`` (installing the log on first use)."""
    connection = _log_connection(path)
    installed = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE name = ?", (CHANGE_LOG,)
    ).fetchall()
    if not installed:
        _install_change_log(connection)
    [(seq,)] = connection.execute(f"SELECT max(seq) FROM {CHANGE_LOG}").fetchall()
    return int(seq or 0)


def _changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[Rows, Rows]]:
    """Per table: (rows added, rows removed) from ``before`` to ``after``."""
    if before.tables is not None and after.tables is not None:
        return {
            name: (
                after.tables.get(name, Counter()) - before.tables.get(name, Counter()),
                before.tables.get(name, Counter()) - after.tables.get(name, Counter()),
            )
            for name in set(before.tables) | set(after.tables)
        }
    assert before.path is not None and before.path == after.path, (before, after)
    plus: dict[str, Rows] = {}
    minus: dict[str, Rows] = {}
    logged = (
        _log_connection(before.path)
        .execute(
            f"SELECT tbl, sign, row FROM {CHANGE_LOG} WHERE seq > ? AND seq <= ?",
            (before.seq, after.seq),
        )
        .fetchall()
    )
    for name, sign, row in logged:
        values = tuple(repr(v) for v in json.loads(row))
        (plus if sign > 0 else minus).setdefault(name, Counter())[values] += 1
    return {
        name: (
            plus.get(name, Counter()) - minus.get(name, Counter()),
            minus.get(name, Counter()) - plus.get(name, Counter()),
        )
        for name in set(plus) | set(minus)
    }


@dataclass(frozen=True)
class Change:
    added: int
    removed: int


def diff(before: Snapshot, after: Snapshot) -> dict[str, Change]:
    """Tables whose rows changed: rows added / removed (an update is one of each)."""
    changed = {}
    for name, (added, removed) in sorted(_changes(before, after).items()):
        if added or removed:
            changed[name] = Change(sum(added.values()), sum(removed.values()))
    return changed


def added_rows(before: Snapshot, after: Snapshot, table: str) -> list[tuple[Any, ...]]:
    added, _ = _changes(before, after).get(table, (Counter(), Counter()))
    return list(added.elements())


def audit_actions_added(before: Snapshot, after: Snapshot) -> list[str]:
    """The ``action`` column of audit_log rows added (column order from the model)."""
    columns = [c.name for c in Base.metadata.tables["audit_log"].columns]
    index = columns.index("action")
    return [ast.literal_eval(row[index]) for row in added_rows(before, after, "audit_log")]


def only_tracking(changes: dict[str, Change]) -> bool:
    """True when nothing changed except new rows of the chats the bot has seen."""
    rest = {k: v for k, v in changes.items() if k != "chats"}
    chats = changes.get("chats")
    return not rest and (chats is None or chats.removed == 0)


# --------------------------------------------------------------------------- acting


def person(harness: BotHarness, tg: int, lang: str | None = "vi") -> User:
    existing = harness.api.state.users.get(tg)
    if existing is not None:
        return existing
    return harness.api.add_user(f"Người {tg}", user_id=tg, language_code=lang)


def bot_messages_since(harness: BotHarness, chat_id: int, seq: int) -> list[Message]:
    return [m for m in harness.api.bot_messages(chat_id) if m.seq > seq]


async def send(
    harness: BotHarness,
    who: User,
    text: str,
    *,
    chat: Chat | None = None,
    reply_to: Message | None = None,
) -> list[Message]:
    """``who`` writes ``text``; every bot message in that chat that followed, once settled."""
    mark = harness.api.state.last_seq
    harness.api.user_sends_text(who, chat, text, reply_to=reply_to)
    await harness.idle()
    return bot_messages_since(harness, chat.id if chat else who.id, mark)


def plant_button(harness: BotHarness, chat_id: int, data: str) -> Message:
    """A bot message carrying one inline button with ``data`` (a stale/shared keyboard).

    Stored directly in the fake server, as if the bot had sent it earlier: the
    server then accepts edits of it and presses on it like any other.
    """
    state = harness.api.state
    chat = state.chats[chat_id]
    message = Message(
        message_id=state.next_message_id(chat_id),
        chat=chat,
        sender=state.bot,
        date=int(harness.api.wall_clock()),
        text="…",
        reply_markup={"inline_keyboard": [[{"text": "·", "callback_data": data}]]},
    )
    state.add_message(message)
    return message


def enqueue_press(harness: BotHarness, who: User, message: Message, data: str) -> str:
    """Send a callback query with arbitrary ``data`` on ``message`` (no button check)."""
    state = harness.api.state
    query_id = state.next_query_id()
    query = {
        "id": query_id,
        "from": who.to_api(),
        "message": message.to_api(),
        "chat_instance": str(abs(message.chat.id) * 7919 % 10**12),
        "data": data,
    }
    state.open_callback_queries[query_id] = query
    harness.api._mark = state.last_seq
    harness.api.enqueue_update("callback_query", query)
    return query_id


@dataclass
class Press:
    answer: CallbackAnswer | None
    messages: list[Message]  # new bot messages in the presser's chat
    edited: Message  # the pressed message as it is now


async def forge_press(harness: BotHarness, who: User, data: str) -> Press:
    """``who`` presses a button with ``data`` on a bot message in their own chat."""
    message = plant_button(harness, who.id, data)
    mark = harness.api.state.last_seq
    query_id = enqueue_press(harness, who, message, data)
    await harness.idle()
    return Press(
        harness.api.callback_answer(query_id),
        bot_messages_since(harness, who.id, mark),
        message,
    )


# --------------------------------------------------------------------------- failures


@dataclass
class FailedCall:
    method: str
    params: dict[str, Any]
    error: str


class FailedCalls:
    """Records every Bot API call the fake server refused (400, 403, ...).

    Installed by wrapping the server's method table: the failure is seen
    even when the bot catches the ``BadRequest`` and only logs it.
    """

    def __init__(self, harness: BotHarness) -> None:
        self.failures: list[FailedCall] = []
        api = harness.api
        table: dict[str, Callable[[Any], Awaitable[Any]]] = api._methods
        for name, method in list(table.items()):
            table[name] = self._wrap(name, method)

    def _wrap(
        self, name: str, method: Callable[[Any], Awaitable[Any]]
    ) -> Callable[[Any], Awaitable[Any]]:
        async def wrapped(params: Any) -> Any:
            try:
                return await method(params)
            except ApiError as error:
                self.failures.append(FailedCall(name, dict(params.values), error.description))
                raise

        return wrapped

    def unexpected(self) -> list[FailedCall]:
        """Failures that mean a bug (a double press's "not modified" is expected)."""
        return [f for f in self.failures if "message is not modified" not in f.error]

    def clear(self) -> None:
        self.failures.clear()


class ErrorRecords(logging.Handler):
    """Collects ERROR records from any logger (handlers.errors, PTB, the fake server)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> ErrorRecords:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)

    def describe(self) -> str:
        return "\n".join(
            f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
            for r in self.records
        )


@contextlib.asynccontextmanager
async def access_world(folder: Path) -> AsyncIterator[tuple[BotHarness, World]]:
    """The bot both access suites share for a whole module: seed_world, every role a user.

    Module-scoped, so it isolates the settings itself and copies the migrated
    template (tests/db_template.py) itself: the per-test autouse fixtures have
    not run yet when it starts, and each xdist worker that takes a row of the
    module builds this world again. The seeded rows are copied the same way.
    """
    import sandbox.harness

    with pytest.MonkeyPatch.context() as patch:
        for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_API_BASE_URL", "TIMEZONE"):
            patch.delenv(name, raising=False)
        patch.chdir(folder)
        patch.setattr(sandbox.harness, "upgrade_async", fast_upgrade_async)
        get_settings.cache_clear()
        try:
            # No rate limiter: hundreds of probes go through one bot, many of them
            # into one linked group, faster than Telegram's 20 a minute per group.
            unlimited = AIORateLimiter(overall_max_rate=0, group_max_rate=0)
            async with BotHarness(
                sqlite_url(folder), limits=Limits.off(), rate_limiter=unlimited
            ) as harness:
                world = await seed_once(harness.database, seed_world)
                for tg in ROLE_TG.values():
                    person(harness, tg)
                yield harness, world
        finally:
            get_settings.cache_clear()
