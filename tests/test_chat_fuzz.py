"""Chat fuzzing: random updates from strangers, officers and leaders (hypothesis).

Each example is a short burst of updates from ONE person — commands with
random arguments, random Unicode (RTL, emoji, controls, very long), replies
to random bot messages, presses of real buttons and of forged callback data
(random verbs and ids, over 64 bytes, non-ASCII), random documents and
photos, in the private chat or a group. After the burst:

* nothing went wrong: no ERROR log record from any logger (the bot's error
  handler logs "unhandled error"; PTB and the fake server log at ERROR too);
* every Bot API call was accepted: the fake server enforces Telegram's
  limits (4096 characters, valid HTML, 64-byte callback data, 200-character
  popups) and :class:`~tests.access_support.FailedCalls` sees a refusal even
  when the bot catches it and only logs a warning;
* the database changed only as that person may change it: a stranger at
  most leaves a join request and the chat row; a district viewer at most its
  own language; an officer writes progress, evidence and extension requests
  only for their units' tasks, as themselves; a leader only inside their own
  commune.

One bot per test function (started once, outside hypothesis' examples);
``derandomize=True`` keeps CI runs identical. The fast subset draws 20
examples per test (``CHAT_FUZZ_EXAMPLES``; fewer on PostgreSQL and for plan
content), which is enough because the scenarios lead where random bursts
rarely go (a task card, a reading with a long note, the echo's buttons: the
4,096-character edit); ``-m slow`` runs 600 (``CHAT_FUZZ_SLOW_EXAMPLES``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.settings import get_settings
from sandbox.devserver import Limits
from sandbox.devserver.state import Chat, Message, User
from sandbox.harness import BotHarness, sqlite_url
from storage.models import Extension, Plan, ProgressUpdate, Task
from tests.access_support import (
    ROLE_TG,
    ErrorRecords,
    FailedCalls,
    Snapshot,
    World,
    audit_actions_added,
    diff,
    enqueue_press,
    person,
    plant_button,
    seed_world,
    send,
    snapshot,
)
from tests.db_template import seed_once

FAST = int(os.environ.get("CHAT_FUZZ_EXAMPLES", "20"))
SLOW = int(os.environ.get("CHAT_FUZZ_SLOW_EXAMPLES", "600"))

# --------------------------------------------------------------------------- strategies

SPELLINGS = [
    "start",
    "trogiup",
    "help",
    "nhiemvu",
    "tasks",
    "capnhat",
    "update",
    "giahan",
    "extend",
    "lichsu",
    "history",
    "ngonngu",
    "language",
    "moi",
    "invite",
    "lienketnhom",
    "tongquan",
    "overview",
    "quahan",
    "overdue",
    "donvi",
    "unit",
    "kybaocao",
    "period",
    "baocao",
    "report",
    "bieudo",
    "chart",
    "nhapkehoach",
    "importplan",
    "caidat",
    "settings",
    "huy",
    "cancel",
]
ODD_COMMANDS = ["START", "capnhat@cchc_test_bot", "capnhat@other_bot", "x" * 40, "cập_nhật", "_"]
ARGUMENTS = [
    "3 50",
    "3 100 xong",
    "3 150",
    "3 -5",
    "#4 75%",
    "7 60",
    "1 50",
    "999 10",
    "0 0",
    "3 9999999999999999999999",
    "3 đã ban hành Kế hoạch số 15/KH-UBND ngày 14/02/2024, xong",
    "3 31/12/2026 chờ hướng dẫn",
    "4 thứ sáu tuần sau",
    "3 hôm qua",
    "6 30/2",
    "quy2",
    "6thang 2024",
    "nam 2023",
    "quy9",
    "tu phap",
    "Văn phòng",
    "<b>x</b>",
    "chutich",
    "canbo Tư pháp - Hộ tịch",
    "admin",
    "gio 7:30",
    "gio 25:99",
    "nhac 7,3,1",
    "nhac -1",
    "hannop 40",
    "hannop 10",
    "ABCDEF123456",
]
PHRASES = [
    "được 60%",
    "xong",
    "đã ban hành Kế hoạch số 15/KH-UBND ngày 14/02/2024, xong",
    "đang thực hiện, dự kiến xong cuối tháng",
    "chưa thực hiện",
    "120%",
    "đạt 0%",
    "tiến độ -3%",
    "Hoàn thành",
    "gần xong",
]
WEIRD = (
    "مرحبا بالعالم עברית \u202e\u202d\u200f\u200e 😀👍🏽‍🔥🇻🇳 \u0000\u0001\u0007\u001b\ufeff\ufffd"
    "<>&*_`[]()~|#+-=.!\\ <b><i>&amp;&lt; ầ ẫ ậ Ư ơ đ Đ ̉ ̃ \u0301 ꙮ 𝕏 \U0010ffff"
)


def _long(piece: str, times: int) -> str:
    return (piece * times)[:6000]


TEXT = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.sampled_from(WEIRD), min_size=1, max_size=200),
    st.sampled_from(PHRASES),
    st.builds(_long, st.text(min_size=1, max_size=8), st.integers(400, 1200)),
    st.builds(lambda p, n: f"{p} {n}", st.sampled_from(PHRASES), st.text(max_size=40)),
)
ARGS = st.one_of(
    st.just(""), st.sampled_from(ARGUMENTS), st.text(max_size=60), st.integers().map(str)
)
VERBS = [
    "tk",
    "pc",
    "dn",
    "st",
    "ev",
    "tl",
    "ok",
    "no",
    "wt",
    "xa",
    "xr",
    "ja",
    "jr",
    "jo",
    "ju",
    "mr",
    "mu",
    "lg",
    "ovf",
    "ovu",
    "ovc",
    "ndg",
    "imm",
    "imok",
    "imno",
]
SMALL_INTS = st.one_of(st.integers(-3, 12), st.integers(0, 400), st.integers(-(2**70), 2**70))
CALLBACK_DATA = st.one_of(
    st.builds(
        lambda verb, args: ":".join([verb, *map(str, args)]),
        st.sampled_from(VERBS),
        st.lists(SMALL_INTS, max_size=4),
    ),
    st.text(max_size=80),  # anything, non-ASCII included
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.builds(lambda v: v + ":" + "9" * 70, st.sampled_from(VERBS)),  # over 64 bytes
    st.builds(lambda v, s: f"{v}:{s}", st.sampled_from(VERBS), st.text(max_size=10)),
)
FILE_NAMES = st.one_of(
    st.sampled_from(["ke-hoach.docx", "ke-hoach.xlsx", "ke-hoach.csv", "KH.XLSX", "a.pdf"]),
    st.builds(
        lambda s, ext: s + ext, st.text(max_size=30), st.sampled_from([".docx", ".xlsx", ".csv"])
    ),
)
CONTENT = st.one_of(
    st.just(b""),
    st.binary(max_size=300),
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=300)),  # zip-like
    st.sampled_from(
        [
            "TT;Nội dung;Chủ trì;Thời hạn\n1;Việc;Tư pháp;Quý II/2024\n".encode(),
            b"\xff\xfe\x00\x00garbage",
            "I,CẢI CÁCH THỂ CHẾ\n1,Rà soát,Tư pháp - Hộ tịch,Trước 10/6/2024\n".encode("utf-16"),
        ]
    ),
)
CAPTION = st.one_of(
    st.none(), st.sampled_from(["/capnhat 3 50", "/capnhat 7", "/update 999", "xong"]), TEXT
)


@dataclass(frozen=True)
class Action:
    kind: str
    text: str = ""
    pick: int = 0  # which bot message (-1: the latest)
    name: str = ""
    content: bytes = b""
    caption: str | None = None
    group: bool = False
    button: int | None = None  # which of its buttons (None: ``pick`` again)


ACTION = st.one_of(
    st.builds(Action, kind=st.just("text"), text=TEXT, group=st.booleans()),
    st.builds(
        Action,
        kind=st.just("command"),
        text=st.builds(
            lambda c, a: f"/{c} {a}".strip(),
            st.one_of(st.sampled_from(SPELLINGS), st.sampled_from(ODD_COMMANDS)),
            ARGS,
        ),
        group=st.booleans(),
    ),
    st.builds(Action, kind=st.just("reply"), text=TEXT, pick=st.integers(0, 50)),
    st.builds(Action, kind=st.just("press"), pick=st.integers(0, 50)),
    st.builds(Action, kind=st.just("forge"), text=CALLBACK_DATA, pick=st.integers(0, 50)),
    st.builds(
        Action,
        kind=st.just("document"),
        name=FILE_NAMES,
        content=CONTENT,
        caption=CAPTION,
        pick=st.integers(0, 3),
    ),
    st.builds(Action, kind=st.just("photo"), content=st.binary(max_size=64), caption=CAPTION),
    # the person edits one of their earlier messages (an edited_message update)
    st.builds(Action, kind=st.just("edit"), text=TEXT, pick=st.integers(0, 50)),
    # blocks the bot and unblocks it at once (two my_chat_member updates)
    st.builds(Action, kind=st.just("block")),
)


PLAN_CSV = (
    "TT,Nội dung,Đơn vị thực hiện,Thời gian hoàn thành\n"
    "I,CẢI CÁCH THỂ CHẾ,,\n"
    "1,Rà soát văn bản,Tổ công nghệ số,Quý III/2024\n"
    "2,Tuyên truyền,Tư pháp - Hộ tịch,Tháng 12/2024\n"
)


def _mutate(lines: list[str], cuts: list[int], junk: list[str]) -> bytes:
    """A plan CSV with lines dropped and random cells appended (often still readable)."""
    kept = [line for i, line in enumerate(lines) if i not in cuts]
    for i, cell in enumerate(junk):
        if kept:
            kept[i % len(kept)] += "," + cell.replace("\n", " ")
    return "\n".join(kept).encode()


PLAN_FILE = st.one_of(
    st.just(PLAN_CSV.encode()),
    st.builds(
        _mutate,
        st.just(PLAN_CSV.splitlines()),
        st.lists(st.integers(0, 4), max_size=2),
        st.lists(st.text(max_size=12), max_size=3),
    ),
    CONTENT,
)
PRESSES = st.lists(st.builds(Action, kind=st.just("press"), pick=st.integers(0, 50)), max_size=6)


def _then(first: list[Action], rest: list[Action]) -> list[Action]:
    return [*first, *rest]


# Conversations that random bursts rarely reach: a plan upload with its buttons,
# an invitation, an officer's task list → card → buttons → a reply to the card.
UPLOAD = st.builds(
    lambda name, content, presses: [
        Action("command", text="/nhapkehoach"),
        Action("document", name=name, content=content),
        *presses,
    ],
    st.sampled_from(["ke-hoach.csv", "ke-hoach.xlsx", "ke-hoach.docx"]),
    PLAN_FILE,
    PRESSES,
)
INVITE = st.builds(lambda presses: [Action("command", text="/moi"), *presses], PRESSES)
# A reading with a long note: the bot echoes the note back and edits the echo in place.
LONG_NOTE = st.builds(
    lambda phrase, piece, length: f"{phrase}, {(piece * length)[:length]}",
    st.sampled_from(PHRASES),
    st.text(min_size=1, max_size=8),
    st.integers(3500, 6000),
)
LATEST_PRESSES = st.lists(
    st.builds(Action, kind=st.just("press"), pick=st.just(-1), button=st.integers(0, 50)),
    min_size=1,
    max_size=3,
)
# The task list → a task's card → a reply to the card (a reading, often a long note) →
# the echo's buttons (a figure, "Đúng"): the path of the 4,096-character edit.
TASK_FLOW = st.builds(
    lambda task, text, answered: [
        Action("command", text="/nhiemvu"),
        Action("press", pick=-1, button=task),
        Action("reply", text, pick=-1),
        *answered,
    ],
    st.integers(0, 50),
    st.one_of(st.sampled_from(PHRASES), LONG_NOTE, TEXT),
    LATEST_PRESSES,
)


def burst(*first: str, scenarios: tuple[Any, ...] = ()) -> st.SearchStrategy[list[Action]]:
    """1–8 actions; the commands in ``first`` or a scenario often open the burst."""
    actions = st.lists(ACTION, min_size=1, max_size=8)
    if not first and not scenarios:
        return actions
    openers = [st.sampled_from([[Action("command", text=f"/{c}")] for c in first]), *scenarios]
    return st.one_of(actions, st.builds(_then, st.one_of(*openers), actions))


# --------------------------------------------------------------------------- the bot


class FuzzBot:
    """A started harness on its own event loop, kept across hypothesis' examples."""

    def __init__(self, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.postgres = database_url.startswith("postgresql")
        self.harness = BotHarness(database_url, limits=Limits.off())
        self.world: World = self.run(self._start())
        self.failed = FailedCalls(self.harness)
        self.groups: dict[int, Chat] = {}
        self.updates = 0
        # The database as the last example left it: the next example's "before" (the bot
        # does nothing between examples), so each example reads every table once, not twice.
        self.last_snapshot: Snapshot | None = None

    async def _start(self) -> World:
        await self.harness.start()
        world = await seed_once(self.harness.database, seed_world)  # copied rows on SQLite
        for tg in ROLE_TG.values():
            person(self.harness, tg)
        await self.harness.tick()
        return world

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        try:
            self.run(self.harness.stop())
        finally:
            self.loop.close()

    def group_of(self, who: User) -> Chat:
        if who.id not in self.groups:
            others = [person(self.harness, tg) for tg in ROLE_TG.values() if tg != who.id]
            self.groups[who.id] = self.harness.api.add_group(f"Nhóm {who.id}", [who, *others[:2]])
        return self.groups[who.id]

    # --- one example ----------------------------------------------------------

    def _bot_message(
        self, chat_id: int, pick: int, *, with_buttons: bool = False
    ) -> Message | None:
        found = [
            m for m in self.harness.api.bot_messages(chat_id) if not with_buttons or m.button_data()
        ]
        return found[pick % len(found)] if found else None

    def _act(self, who: User, action: Action) -> None:
        api = self.harness.api
        chat: Chat | None = self.group_of(who) if action.group else None
        chat_id = chat.id if chat is not None else who.id
        if action.kind in ("text", "command"):
            text = action.text.strip() or "."
            api.user_sends_text(who, chat, text)
        elif action.kind == "reply":
            target = self._bot_message(chat_id, action.pick)
            text = action.text.strip() or "."
            api.user_sends_text(who, chat, text, reply_to=target)
        elif action.kind == "press":
            target = self._bot_message(chat_id, action.pick, with_buttons=True)
            if target is None:
                return
            data = target.button_data()
            button = action.pick if action.button is None else action.button
            api.user_presses_button(who, target, data[button % len(data)])
        elif action.kind == "forge":
            data = action.text or "x"
            target = self._bot_message(chat_id, action.pick) or plant_button(
                self.harness, chat_id, data
            )
            enqueue_press(self.harness, who, target, data)
        elif action.kind == "document":
            mime = None if action.pick == 0 else "application/octet-stream"
            caption = (action.caption or "").strip() or None
            name = action.name or "x"
            api.user_uploads_document(who, chat, name, action.content, caption, mime)
        elif action.kind == "edit":
            mine = [m for m in api.messages_in(chat_id) if m.sender.id == who.id and m.text]
            if not mine:
                return
            text = action.text.strip() or "."
            api.user_edits_text(who, mine[action.pick % len(mine)], text)
        elif action.kind == "block":
            api.user_blocks_bot(who)
            api.user_unblocks_bot(who)
        elif action.kind == "photo":
            caption = (action.caption or "").strip() or None
            api.user_uploads_photo(who, chat, action.content or b"\xff\xd8", caption)
        self.updates += 1

    async def _after_burst(self) -> None:
        try:
            await self.harness.idle()
        except TimeoutError as error:  # say what the bot was doing
            app = self.harness.application
            calls = [(m, str(p)[:120]) for m, p in self.harness.api.state.calls[-15:]]
            raise AssertionError(
                f"the bot did not settle: {len(self.harness.api.state.updates)} updates pending, "
                f"{app.update_processor.current_concurrent_updates} in progress, "
                f"queue {app.update_queue.qsize()}, tasks "
                f"{[t.get_name() for t in asyncio.all_tasks(self.loop) if not t.done()][:20]}, "
                f"last calls {calls}"
            ) from error

    def example(self, role: str, tg: int, actions: list[Action]) -> None:
        harness = self.harness
        who = person(harness, tg)
        self.failed.clear()
        before = self.last_snapshot or self.run(snapshot(harness.database))
        self.last_snapshot = None  # until this burst has settled
        marks = self.run(_marks(harness))
        with ErrorRecords() as errors:
            for action in actions:
                self._act(who, action)
            self.run(self._after_burst())
        after = self.last_snapshot = self.run(snapshot(harness.database))
        assert not errors.records, errors.describe()
        assert not self.failed.unexpected(), self.failed.unexpected()
        self.run(check_writes(self, role, tg, before, after, marks))


# --------------------------------------------------------------------------- what may change


async def _marks(harness: BotHarness) -> dict[str, int]:
    async with harness.database.read() as session:
        return {
            "progress": int(await session.scalar(select(func.max(ProgressUpdate.id))) or 0),
            "extension": int(await session.scalar(select(func.max(Extension.id))) or 0),
        }


# Tables a person of each role may cause to change (chats: the bot remembers every chat).
MAY_CHANGE = {
    "stranger": {"chats", "audit_log"},
    "viewer": {"chats", "audit_log", "people"},
    "officer": {
        "chats",
        "audit_log",
        "people",
        "progress_updates",
        "attachments",
        "extensions",
        "drafts",  # a reading waiting for "Đúng", an evidence wait
    },
    "leader": {
        "chats",
        "audit_log",
        "people",
        "person_units",
        "progress_updates",
        "attachments",
        "extensions",
        "tasks",
        "invitations",
        "organizations",
        "outbox",
        "scheduler_state",
        "drafts",
        "draft_steps",
        # the plan keeper's plan upload (/nhapkehoach → file → Xác nhận)
        "plans",
        "fields",
        "task_units",
        "units",
        "unit_aliases",
    },
}
# Audit actions a role may leave (prefix match); leaders are bounded by the table check.
MAY_LOG = {
    "stranger": ("join.request",),
    "viewer": ("person.language", "person.unreachable", "person.reachable"),
    "officer": (
        "person.language",
        "person.unreachable",  # blocked the bot (presence tracking)
        "person.reachable",
        "progress",
        "extension.request",
    ),
}


def _kind(role: str) -> str:
    if role in ("stranger", "viewer"):
        return role
    return "officer" if role.startswith("officer") else "leader"


async def check_writes(
    bot: FuzzBot,
    role: str,
    tg: int,
    before: Any,
    after: Any,
    marks: dict[str, int],
) -> None:
    changes = diff(before, after)
    kind = _kind(role)
    assert set(changes) <= MAY_CHANGE[kind], f"{role} changed {changes}"
    if kind != "leader":  # only the plan keeper links a chat (/lienketnhom) to the commune
        assert "chats" not in changes or changes["chats"].removed == 0
    if kind in MAY_LOG:
        actions = audit_actions_added(before, after)
        stray = [a for a in actions if not a.startswith(MAY_LOG[kind])]
        assert not stray, f"{role} left audit lines {stray}"
        assert "audit_log" not in changes or changes["audit_log"].removed == 0
    if kind == "stranger":  # however often they write: one join request, no more
        from storage.models import AuditLog

        async with bot.harness.database.read() as session:
            requests_of_tg = await session.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.action == "join.request", AuditLog.entity_id == tg)
            )
        assert (requests_of_tg or 0) <= 1, f"stranger {tg} has {requests_of_tg} join requests"
    if kind == "viewer" and "people" in changes:
        assert changes["people"].removed <= 1  # its own row (language)
    world = bot.world
    from storage.directory import person_by_telegram_id

    async with bot.harness.database.read() as session:
        # A plan keeper may import a plan by chat: the commune's tasks are whatever it has now.
        own_org_tasks = set(
            await session.scalars(
                select(Task.id)
                .join(Plan, Plan.id == Task.plan_id)
                .where(Plan.organization_id == world.commune.org_id)
            )
        )
        allowed = {
            "stranger": set(),
            "viewer": set(),
            "officer_unit": {world.commune.task_ids[n] for n in (2, 3, 4)},
            "officer_other_unit": {world.commune.task_ids[n] for n in (5, 6, 7)},
            "chairman": own_org_tasks,
            "admin": own_org_tasks,
            "other_org_chairman": {world.other_task_id},
        }[role]
        me = await person_by_telegram_id(session, tg)
        progress = list(
            await session.execute(
                select(ProgressUpdate.task_id, ProgressUpdate.person_id).where(
                    ProgressUpdate.id > marks["progress"]
                )
            )
        )
        requests = list(
            await session.execute(
                select(Extension.task_id, Extension.requested_by).where(
                    Extension.id > marks["extension"]
                )
            )
        )
        moved = list(
            await session.scalars(
                select(Task.id).where(
                    Task.id.not_in(own_org_tasks), Task.extended_due_date.is_not(None)
                )
            )
        )
    for task_id, person_id in progress:
        assert task_id in allowed, f"{role} wrote progress of task {task_id}"
        assert me is not None and person_id == me.id, f"{role} wrote as person {person_id}"
    for task_id, requested_by in requests:
        assert task_id in allowed, f"{role} asked to extend task {task_id}"
        assert me is not None and requested_by == me.id
    if kind == "officer":
        # Officers ask; only leaders decide (an existing request never changes here).
        assert "extensions" not in changes or changes["extensions"].removed == 0
    if role != "other_org_chairman":
        assert world.other_task_id not in moved, f"{role} moved Vĩnh Tú's deadline"


# --------------------------------------------------------------------------- the tests


@pytest.fixture
def fuzz_bot(tmp_path: Path) -> Iterator[FuzzBot]:
    """Started on a loop of its own: hypothesis calls a sync test many times."""
    get_settings.cache_clear()
    bot = FuzzBot(sqlite_url(tmp_path))
    try:
        yield bot
    finally:
        bot.close()
        print(f"\nchat fuzz: {bot.updates} updates")


def _settings(examples: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=examples,
        deadline=None,
        # CI runs are identical; CHAT_FUZZ_EXPLORE=1 (or HYPOTHESIS_EXPLORE=1, for every
        # hypothesis test) draws fresh examples, to hunt for bugs.
        derandomize=not any(map(os.environ.get, ("CHAT_FUZZ_EXPLORE", "HYPOTHESIS_EXPLORE"))),
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


STRANGERS = st.sampled_from([3001, 3002, 3003, 4_000_000_001])
OFFICERS = st.sampled_from(["officer_unit", "officer_other_unit"])
LEADERS = st.sampled_from(["chairman", "admin", "other_org_chairman", "viewer"])


def _stranger_case(fuzz_bot: FuzzBot, examples: int) -> None:
    @_settings(examples)
    @given(tg=STRANGERS, actions=burst("start", "nhiemvu", "capnhat 3 50"))
    def run(tg: int, actions: list[Action]) -> None:
        fuzz_bot.example("stranger", tg, actions)

    run()


def _officer_case(fuzz_bot: FuzzBot, examples: int) -> None:
    @_settings(examples)
    @given(
        role=OFFICERS,
        actions=burst("nhiemvu", "tongquan", "giahan 3 30/12/2026", scenarios=(TASK_FLOW,)),
    )
    def run(role: str, actions: list[Action]) -> None:
        fuzz_bot.example(role, ROLE_TG[role], actions)

    run()


def _leader_case(fuzz_bot: FuzzBot, examples: int) -> None:
    @_settings(examples)
    @given(
        role=LEADERS,
        actions=burst(
            "tongquan", "quahan", "donvi", "caidat", scenarios=(UPLOAD, UPLOAD, INVITE, TASK_FLOW)
        ),
    )
    def run(role: str, actions: list[Action]) -> None:
        fuzz_bot.example(role, ROLE_TG[role], actions)

    run()


def _upload_case(fuzz_bot: FuzzBot, examples: int) -> None:
    """The plan keeper's upload conversation, every time (random bursts rarely reach it)."""

    @_settings(examples)
    @given(actions=st.builds(_then, st.one_of(UPLOAD, INVITE), st.lists(ACTION, max_size=3)))
    def run(actions: list[Action]) -> None:
        fuzz_bot.example("admin", ROLE_TG["admin"], actions)

    run()


def test_fuzz_strangers(fuzz_bot: FuzzBot) -> None:
    _stranger_case(fuzz_bot, FAST)


def test_fuzz_officers(fuzz_bot: FuzzBot) -> None:
    _officer_case(fuzz_bot, FAST)


@pytest.fixture
def fuzz_bot_postgres(postgres_database_url: str) -> Iterator[FuzzBot]:
    get_settings.cache_clear()
    bot = FuzzBot(postgres_database_url)
    try:
        yield bot
    finally:
        bot.close()
        print(f"\nchat fuzz (PostgreSQL): {bot.updates} updates")


@pytest.mark.postgres
def test_fuzz_officers_postgres(fuzz_bot_postgres: FuzzBot) -> None:
    """PostgreSQL is stricter than SQLite (int32 columns, no NUL in text): fuzz it too."""
    _officer_case(fuzz_bot_postgres, FAST // 2)


@pytest.mark.postgres
def test_fuzz_leaders_postgres(fuzz_bot_postgres: FuzzBot) -> None:
    _leader_case(fuzz_bot_postgres, FAST // 2)


def test_fuzz_leaders(fuzz_bot: FuzzBot) -> None:
    _leader_case(fuzz_bot, FAST)


def test_fuzz_plan_keeper_uploads(fuzz_bot: FuzzBot) -> None:
    _upload_case(fuzz_bot, FAST // 2)


@pytest.mark.slow
def test_fuzz_plan_keeper_uploads_large(fuzz_bot: FuzzBot) -> None:
    _upload_case(fuzz_bot, SLOW // 2)


# --------------------------------------------------------------------------- plan content
#
# Plans come from documents: task texts, unit names and deadlines are whatever
# the office typed (long paragraphs, "<", "&", "*", emoji, stray controls).
# Random plan text, then every view of it: nothing may break a message.

PLAN_TEXT = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(alphabet=st.sampled_from(WEIRD), min_size=1, max_size=300),
    st.builds(_long, st.text(min_size=1, max_size=12), st.integers(50, 400)),
)
CONTENT_TEXT = st.one_of(PLAN_TEXT, PLAN_TEXT.map(lambda t: t[:2400]))
SHORT_TEXT = st.text(min_size=1, max_size=120)


@dataclass(frozen=True)
class PlanText:
    contents: list[str]
    units: list[str]
    fields: list[str]
    deadlines: list[str]


PLAN_TEXTS = st.builds(
    PlanText,
    contents=st.lists(CONTENT_TEXT.map(lambda t: t[:2400]), min_size=8, max_size=8),
    units=st.lists(SHORT_TEXT, min_size=6, max_size=6),
    fields=st.lists(st.text(min_size=1, max_size=200), min_size=4, max_size=4),
    deadlines=st.lists(SHORT_TEXT, min_size=8, max_size=8),
)
VIEWS = [
    ("officer_unit", "/nhiemvu"),
    ("officer_unit", "/lichsu 3"),
    ("officer_unit", "/capnhat 3 60 đã ban hành Kế hoạch số 15/KH-UBND"),
    ("officer_unit", "/giahan 4 30/12/2026 chờ hướng dẫn"),
    ("officer_other_unit", "/nhiemvu"),
    ("chairman", "/tongquan"),
    ("chairman", "/quahan"),
    ("chairman", "/donvi"),
    ("chairman", "/kybaocao"),
    ("admin", "/nhiemvu"),
    ("viewer", "/tongquan"),
]


async def _rewrite_plan(bot: FuzzBot, text: PlanText) -> None:
    from storage.models import Field as FieldRow
    from storage.models import Unit

    clean = [c or "." for c in text.contents]
    world = bot.world
    async with bot.harness.database.write() as session:
        for (number, task_id), content, deadline in zip(
            sorted(world.commune.task_ids.items()), clean, text.deadlines, strict=True
        ):
            task = await session.get(Task, task_id)
            assert task is not None
            task.content = content
            task.deadline_text = deadline
            task.lead_units_text = text.units[number % len(text.units)]
        for unit_id, name in zip(world.commune.unit_ids.values(), text.units, strict=True):
            unit = await session.get(Unit, unit_id)
            assert unit is not None
            unit.name = f"{name} #{unit_id}"  # names stay unique per organization
        for field_id, title in zip(world.field_ids.values(), text.fields, strict=True):
            row = await session.get(FieldRow, field_id)
            assert row is not None
            row.title = title


def _content_case(fuzz_bot: FuzzBot, examples: int) -> None:
    @_settings(examples)
    @given(text=PLAN_TEXTS, presses=st.lists(st.integers(0, 50), min_size=3, max_size=3))
    def run(text: PlanText, presses: list[int]) -> None:
        harness = fuzz_bot.harness
        fuzz_bot.run(_rewrite_plan(fuzz_bot, text))
        fuzz_bot.last_snapshot = None
        fuzz_bot.failed.clear()
        with ErrorRecords() as errors:
            for role, command in VIEWS:
                who = person(harness, ROLE_TG[role])
                fuzz_bot._act(who, Action("command", text=command))
                for pick in presses:
                    fuzz_bot._act(who, Action("press", pick=pick))
                fuzz_bot.run(fuzz_bot._after_burst())
        assert not errors.records, errors.describe()
        failures = [(f.method, f.error) for f in fuzz_bot.failed.unexpected()]
        assert not failures, failures

    run()


def test_fuzz_plan_content(fuzz_bot: FuzzBot) -> None:
    _content_case(fuzz_bot, FAST // 8)


@pytest.mark.slow
def test_fuzz_plan_content_large(fuzz_bot: FuzzBot) -> None:
    _content_case(fuzz_bot, SLOW // 4)


@pytest.mark.slow
def test_fuzz_strangers_large(fuzz_bot: FuzzBot) -> None:
    _stranger_case(fuzz_bot, SLOW)


@pytest.mark.slow
def test_fuzz_officers_large(fuzz_bot: FuzzBot) -> None:
    _officer_case(fuzz_bot, SLOW)


@pytest.mark.slow
def test_fuzz_leaders_large(fuzz_bot: FuzzBot) -> None:
    _leader_case(fuzz_bot, SLOW)


# --------------------------------------------------------------------------- defects once pinned
# Found by the fuzzer and fixed; kept as regression tests.

HUGE_NUMBER = str(2**63)  # one past SQLite's INTEGER; PostgreSQL's BIGINT ends there too


@pytest.mark.parametrize(
    "text",
    [
        f"/capnhat {HUGE_NUMBER} 50",
        f"/lichsu {HUGE_NUMBER}",
        f"/giahan {HUGE_NUMBER} 30/12/2026",
    ],
    ids=["capnhat", "lichsu", "giahan"],
)
async def test_huge_task_number_is_refused_politely(harness: BotHarness, text: str) -> None:
    from locales import t
    from tests.factories import OFFICER_TP_TG, seed_commune

    await seed_once(harness.database, seed_commune)
    officer = person(harness, OFFICER_TP_TG)
    failed = FailedCalls(harness)
    with ErrorRecords() as errors:
        replies = await send(harness, officer, text)
    assert not errors.records, errors.describe()
    assert not failed.unexpected()
    expected = t("officer.task_unknown", "vi", number=int(HUGE_NUMBER))
    assert [m.text for m in replies] == [expected]


async def test_huge_digest_hour_is_refused_politely(harness: BotHarness) -> None:
    from locales import t
    from tests.factories import ADMIN_TG, seed_commune

    await seed_once(harness.database, seed_commune)
    admin = person(harness, ADMIN_TG)
    failed = FailedCalls(harness)
    with ErrorRecords() as errors:
        replies = await send(harness, admin, "/caidat gio 99999999999999:00")
    assert not errors.records, errors.describe()
    assert not failed.unexpected()
    expected = t("settings.error.hour", "vi", text="99999999999999:00")
    assert replies and expected in (replies[0].text or "")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "text",
    ["/capnhat 3 50 ghi chú\x00x", "/giahan 3 31/12/2026 lý do\x00x"],
    ids=["note", "reason"],
)
async def test_nul_in_user_text_on_postgres(postgres_database_url: str, text: str) -> None:
    from tests.factories import OFFICER_TP_TG, seed_commune

    async with BotHarness(postgres_database_url, limits=Limits.off()) as harness:
        await seed_once(harness.database, seed_commune)
        officer = person(harness, OFFICER_TP_TG)
        with ErrorRecords() as errors:
            replies = await send(harness, officer, text)
        assert replies
        assert not errors.records, errors.describe()


@pytest.mark.parametrize(
    ("content_length", "reason_length"), [(4000, 10), (2500, 1990)], ids=["long-task", "both"]
)
async def test_extension_notice_reaches_the_deciders_whatever_the_lengths(
    harness: BotHarness, content_length: int, reason_length: int
) -> None:
    from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, seed_commune

    commune = await seed_once(harness.database, seed_commune)
    async with harness.database.write() as session:
        task = await session.get(Task, commune.task_ids[4])
        assert task is not None
        task.content = ("Tuyên truyền, phổ biến pháp luật về cải cách hành chính; " * 80)[
            :content_length
        ]
    officer = person(harness, OFFICER_TP_TG)
    chairman = person(harness, CHAIRMAN_TG)
    person(harness, ADMIN_TG)  # the plan keeper is asked too
    failed = FailedCalls(harness)
    reason = ("chờ hướng dẫn của huyện " * 100)[:reason_length].strip()
    await send(harness, officer, f"/giahan 4 30/12/2026 {reason}")
    assert not failed.unexpected(), [(f.method, f.error) for f in failed.unexpected()]
    notices = [m for m in harness.api.bot_messages(chairman.id) if m.button_data()]
    assert notices, "the chairman never got the extension request"
