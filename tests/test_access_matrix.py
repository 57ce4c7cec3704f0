"""Access-control matrix: every command and every button × every role, as designed.

Roles (tests/access_support.ROLE_TG): a stranger, the officer of the unit
(Tư pháp - Hộ tịch), an officer of another unit (Tài chính + Một cửa), the
chairman of another commune (xã Vĩnh Tú), the chairman, the plan keeper
(admin) and the district viewer (huyện Vĩnh Linh).

Each row says what that role gets: a refusal (the exact catalog text, and
then *no* row of *any* table may change, apart from the chat the bot
tracks), or an allowed action (the tables it must write, nothing else).
Buttons are pressed with forged callback data on a bot message of the
presser's own chat (a stale, forwarded or group-visible keyboard), pointing
at the person's own task, another unit's task, another organization's task
and an id nobody has.

All rows share one seeded bot (a module-scoped harness): a refusal only
reads, and an allowed row creates the object it acts on just before (a
fresh extension, draft, join request), so rows do not depend on each
other's order.

The fast suite runs every command and every button verb for every role; the
whole cross product (each alias for every role, each target for a role that
is refused whatever the target) is marked ``slow`` (``make test-slow``):
see ``_command_rows`` and ``_rows`` for what stays fast and why.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from core import callbacks as cb
from locales import t
from sandbox.devserver import Limits
from sandbox.harness import BotHarness, sqlite_url
from tests.access_support import (
    NOWHERE,
    ROLE_TG,
    ROLES,
    ErrorRecords,
    FailedCalls,
    World,
    access_world,
    audit_actions_added,
    diff,
    forge_press,
    new_extension,
    new_join_request,
    new_progress_draft,
    new_upload_draft,
    person,
    send,
    snapshot,
)
from tests.db_template import seed_once
from tests.factories import add_placeholder_task

pytestmark = pytest.mark.asyncio(loop_scope="module")

LANG = "vi"


def plain(text: str) -> str:
    """What a user sees of catalog HTML: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expect:
    """``key`` set: refused with that text; otherwise allowed, writing ``writes``."""

    key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    writes: frozenset[str] = frozenset()
    may_write: frozenset[str] = frozenset()
    contains: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    edited: bool = False  # the refusal replaces the pressed message instead of a popup

    @property
    def refused(self) -> bool:
        return self.key is not None

    def text(self) -> str:
        assert self.key is not None
        return plain(t(self.key, LANG, **self.params))


def no(key: str, **params: Any) -> Expect:
    return Expect(key=key, params=params)


def ok(
    *writes: str,
    contains: tuple[str, ...] = (),
    absent: tuple[str, ...] = (),
    may: tuple[str, ...] = (),
) -> Expect:
    return Expect(
        writes=frozenset(writes), may_write=frozenset(may), contains=contains, absent=absent
    )


STRANGER = no("auth.stranger")
FORBIDDEN = no("auth.forbidden")
PRIVATE_ONLY = no("auth.private_only")
ORG_GROUP_ONLY = no("auth.org_group_only")
NOT_YOUR_TASK = no("progress.not_your_task")
NOT_YOURS = no("chairman.button.not_yours")
STALE = no("chairman.button.stale")
UPLOAD_STALE = no("plan_upload.stale")

# Texts only the commune Vĩnh Khê's own people may ever see.
# (Vĩnh Tú has a "Tư pháp - Hộ tịch" unit too, so unit names prove nothing.)
VINH_KHE = ("Vĩnh Khê", "Rà soát văn bản quy phạm pháp luật", "Số hóa hồ sơ")
LEAK_FREE = {"absent": VINH_KHE}


def everyone_but(default: Expect, **roles: Expect) -> dict[str, Expect]:
    """A row of the table: ``default`` for each role not named."""
    return {role: roles.get(role, default) for role in ROLES}


# --------------------------------------------------------------------------- commands
#
# (spellings, arguments, {role: expectation}). The same row runs for every spelling,
# so an alias can never be looser than the Vietnamese command.

UPDATE_WRITES = ("progress_updates", "audit_log")
MAYBE_TASK = ("tasks",)  # a cached figure on the task row, when the model keeps one

COMMANDS: list[tuple[tuple[str, ...], str, dict[str, Expect]]] = [
    (
        ("start",),
        "",
        # Without a code or a join link a stranger reaches nobody and writes nothing.
        everyone_but(ok(contains=("Xin chào",)), stranger=no("registration.ask_office")),
    ),
    (
        ("start",),
        "MAKHONGCO42",  # a code nobody issued: nothing is written, not even a join request
        everyone_but(ok(contains=("Xin chào",)), stranger=no("registration.code_invalid")),
    ),
    (
        ("trogiup", "help"),
        "",
        everyone_but(ok(contains=("/trogiup",)), stranger=ok(contains=(t("auth.stranger"),))),
    ),
    (
        ("nhiemvu", "tasks"),
        "",
        everyone_but(
            ok(),
            stranger=STRANGER,
            viewer=FORBIDDEN,
            officer_unit=ok(contains=("Rà soát văn bản",), absent=("cơ chế tự chủ",)),
            officer_other_unit=ok(contains=("cơ chế tự chủ",), absent=("Rà soát văn bản",)),
            other_org_chairman=ok(contains=("xã Vĩnh Tú",), **LEAK_FREE),
        ),
    ),
    (
        ("capnhat", "update"),
        "3 40",
        everyone_but(
            ok(*UPDATE_WRITES, may=MAYBE_TASK, contains=("40%",)),
            stranger=STRANGER,
            viewer=FORBIDDEN,
            officer_other_unit=NOT_YOUR_TASK,
            other_org_chairman=no("officer.task_unknown", number=3),
        ),
    ),
    (
        ("giahan", "extend"),
        "3 31/12/2026 chờ hướng dẫn",
        everyone_but(
            FORBIDDEN,
            stranger=STRANGER,
            officer_unit=ok("extensions", "audit_log", contains=("31/12/2026",)),
            admin=ok("extensions", "audit_log", contains=("31/12/2026",)),
            officer_other_unit=NOT_YOUR_TASK,
        ),
    ),
    (
        ("lichsu", "history"),
        "3",
        everyone_but(
            # Leaders and the plan keeper read any task's history; an officer only the
            # tasks of their own units (notes, names and evidence file names stay there).
            ok(contains=("Rà soát văn bản",)),
            stranger=STRANGER,
            viewer=FORBIDDEN,
            officer_other_unit=no("history.not_your_task", number=3),
            other_org_chairman=no("officer.task_unknown", number=3),
        ),
    ),
    (
        ("ngonngu", "language"),
        "",
        everyone_but(ok(contains=(plain(t("menu.language.ask")),)), stranger=STRANGER),
    ),
    (
        ("moi", "invite"),
        "chutich",
        everyone_but(
            FORBIDDEN, stranger=STRANGER, admin=ok("invitations", "audit_log", contains=("t.me",))
        ),
    ),
    (
        ("lienketnhom",),
        "",
        everyone_but(
            FORBIDDEN, stranger=STRANGER, admin=no("registration.link.group_only")
        ),  # in a private chat; the group rows are below
    ),
    (
        ("tongquan", "overview"),
        "",
        everyone_but(
            ok(contains=("Vĩnh Khê",)),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            other_org_chairman=ok(contains=("Vĩnh Tú",), **LEAK_FREE),
            viewer=ok(contains=("Vĩnh Khê", "Vĩnh Tú"), absent=("Gio Mỹ",)),
        ),
    ),
    (
        ("quahan", "overdue"),
        "",
        everyone_but(
            ok(contains=("Số hóa hồ sơ",)),
            viewer=ok(contains=("Số hóa hồ sơ", "Vĩnh Tú"), absent=("Gio Mỹ",)),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            other_org_chairman=ok(contains=("xã Vĩnh Tú",), **LEAK_FREE),
        ),
    ),
    (
        ("donvi", "unit"),
        "tu phap",
        everyone_but(
            ok(contains=("Tư pháp - Hộ tịch",)),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
            # Vĩnh Tú has its own Tư pháp unit: only that one, never Vĩnh Khê's tasks.
            other_org_chairman=ok(absent=("Rà soát văn bản quy phạm",)),
        ),
    ),
    (
        ("kybaocao", "period"),
        "",
        everyone_but(
            ok(),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
            other_org_chairman=ok(**LEAK_FREE),
        ),
    ),
    (
        ("baocao", "report"),
        "quy2",
        everyone_but(
            ok(),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
        ),
    ),
    (
        ("bieudo", "chart"),
        "",
        everyone_but(
            ok(),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
        ),
    ),
    (
        ("daguibaocao", "reportsent"),
        "",
        everyone_but(
            ok(),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
        ),
    ),
    (
        ("loaibaocao", "reportkinds"),
        "",
        everyone_but(
            ok(),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
        ),
    ),
    (
        ("nhapkehoach", "importplan"),
        "",
        everyone_but(FORBIDDEN, stranger=STRANGER, admin=ok(contains=(".docx",))),
    ),
    (
        ("chiso", "parindex"),
        "",  # no scorecard in this world: each sees their own "none yet"
        everyone_but(
            ok(contains=("Vĩnh Khê",)),
            stranger=STRANGER,
            other_org_chairman=ok(contains=("Vĩnh Tú",), **LEAK_FREE),
            viewer=ok(contains=("Vĩnh Khê", "Vĩnh Tú"), absent=("Gio Mỹ",)),
        ),
    ),
    (
        ("kiemchung", "evidence"),
        "",
        everyone_but(
            ok(contains=("Vĩnh Khê",)),
            stranger=STRANGER,
            viewer=FORBIDDEN,
            other_org_chairman=ok(contains=("Vĩnh Tú",), **LEAK_FREE),
        ),
    ),
    (
        ("kiemchung", "evidence"),
        "3.2 Kế hoạch số 15/KH-UBND",  # no criteria set: nothing is written
        everyone_but(
            no("par_index.evidence.unknown_code", code="3.2"),
            stranger=STRANGER,
            viewer=FORBIDDEN,
        ),
    ),
    (
        ("nhapdiem", "importscores"),
        "",
        everyone_but(FORBIDDEN, stranger=STRANGER, admin=ok(contains=("/nhapdiem",))),
    ),
    (
        ("nhapcanbo", "importstaff"),
        "",
        everyone_but(FORBIDDEN, stranger=STRANGER, admin=ok(contains=(".xlsx",))),
    ),
    (
        ("caidat", "settings"),
        "",
        everyone_but(
            ok(),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
        ),
    ),
    (
        ("caidat", "settings"),
        "gio 7:45",
        everyone_but(
            no("settings.keeper_only"),
            stranger=STRANGER,
            officer_unit=FORBIDDEN,
            officer_other_unit=FORBIDDEN,
            viewer=FORBIDDEN,
            # The second spelling sets the same hour again: the row may stay as it is.
            # (scheduler_state: the planner's remembered next instant is invalidated.)
            admin=ok("audit_log", may=("organizations", "scheduler_state"), contains=("07:45",)),
        ),
    ),
]


def _command_rows() -> list[Any]:
    """One row per (spelling, arguments, role).

    The fast suite runs the first (Vietnamese) spelling for every role and each
    other spelling for one role, taking the roles in turn; the remaining alias
    rows are ``slow``. An alias cannot be looser than its command all the same:
    ``test_aliases_are_spellings_of_one_handler`` checks that every spelling of a
    row is a name of the one CommandHandler the Vietnamese rows go through.
    """
    rows = []
    turn = 0
    for names, args, table in COMMANDS:
        for index, name in enumerate(names):
            if index:
                turn += 1
            for role_index, (role, expect) in enumerate(table.items()):
                text = f"/{name} {args}".strip()
                fast = index == 0 or role_index == turn % len(table)
                marks = () if fast else (pytest.mark.slow,)
                rows.append(pytest.param(role, text, expect, id=f"{text}|{role}", marks=marks))
    return rows


COMMAND_ROWS = _command_rows()

# Cleanup after an allowed row that leaves a conversation open.
AFTER = {"nhapkehoach": "/huy", "importplan": "/huy", "nhapcanbo": "/huy", "importstaff": "/huy"}


# --------------------------------------------------------------------------- the bot


@dataclass
class Env:
    harness: BotHarness
    world: World
    failed: FailedCalls


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    """One seeded bot for the whole matrix (rows only read, or make their own objects)."""
    async with access_world(tmp_path_factory.mktemp("access")) as (harness, world):
        await harness.tick()  # the day's reminders go out now, not in the middle of a row
        yield Env(harness, world, FailedCalls(harness))


def _check_writes(expect: Expect, changes: dict[str, Any], where: str) -> None:
    changed = set(changes) - {"chats"}
    assert "chats" not in changes or changes["chats"].removed == 0, where
    if expect.refused:
        assert changed <= expect.may_write, f"{where}: a refusal changed {changes}"
        return
    must, may = expect.writes, expect.writes | expect.may_write
    assert must <= changed <= may, f"{where}: expected writes {sorted(must)}, got {changes}"


def _check_texts(expect: Expect, texts: list[str], where: str) -> None:
    joined = "\n".join(texts)
    for wanted in expect.contains:
        assert wanted in joined, f"{where}: {wanted!r} not in {joined!r}"
    for unwanted in expect.absent:
        assert unwanted not in joined, f"{where}: {unwanted!r} leaked in {joined!r}"


REFUSALS = {
    plain(t(k, LANG))
    for k in ("auth.stranger", "auth.forbidden", "auth.private_only", "auth.org_group_only")
}


# --------------------------------------------------------------------------- command rows


@pytest.mark.parametrize(("role", "text", "expect"), COMMAND_ROWS)
async def test_command(env: Env, role: str, text: str, expect: Expect) -> None:
    harness = env.harness
    who = person(harness, ROLE_TG[role])
    env.failed.clear()
    before = await snapshot(harness.database)
    with ErrorRecords() as errors:
        replies = await send(harness, who, text)
        name = text.split()[0][1:]
        if name in AFTER and not expect.refused:
            await send(harness, who, AFTER[name])
    after = await snapshot(harness.database)
    where = f"{role} {text}"
    assert not errors.records, f"{where}: {errors.describe()}"
    assert not env.failed.unexpected(), f"{where}: {env.failed.unexpected()}"
    assert replies, f"{where}: no answer at all"
    texts = [m.text or m.caption or "" for m in replies]
    if expect.refused:
        assert texts == [expect.text()], f"{where}: {texts}"
        assert all(not m.button_data() for m in replies), f"{where}: a refusal with buttons"
    else:
        assert not REFUSALS & set(texts), f"{where}: refused: {texts}"
        _check_texts(expect, texts, where)
    _check_writes(expect, diff(before, after), where)
    if role == "stranger":  # at most the join request, never anything else in the log
        assert set(audit_actions_added(before, after)) <= {"join.request"}, where


# --------------------------------------------------------------------------- groups

GROUP_ROWS = [
    # /lienketnhom links the group it is typed in — the plan keeper only.
    pytest.param("admin", "/lienketnhom", ok("organizations", "audit_log"), id="admin"),
    pytest.param("chairman", "/lienketnhom", FORBIDDEN, id="chairman"),
    pytest.param("officer_unit", "/lienketnhom", FORBIDDEN, id="officer"),
    pytest.param("other_org_chairman", "/lienketnhom", FORBIDDEN, id="other-org-chairman"),
    pytest.param("viewer", "/lienketnhom", FORBIDDEN, id="viewer"),
    pytest.param("stranger", "/lienketnhom", STRANGER, id="stranger"),
    # Private-only commands refuse politely in a group, leaking nothing.
    pytest.param("admin", "/moi chutich", PRIVATE_ONLY, id="moi-in-group"),
    pytest.param("admin", "/nhapkehoach", PRIVATE_ONLY, id="nhapkehoach-in-group"),
    pytest.param("admin", "/nhapcanbo", PRIVATE_ONLY, id="nhapcanbo-in-group"),
    pytest.param("stranger", "/start", STRANGER, id="stranger-start-in-group"),
    # Leader commands answer in private or in the organization's linked group only:
    # in any other group the chairman's overview and report files are not posted.
    pytest.param("chairman", "/tongquan", ORG_GROUP_ONLY, id="overview-in-unlinked-group"),
    pytest.param("chairman", "/baocao quy2", ORG_GROUP_ONLY, id="report-in-unlinked-group"),
    pytest.param("viewer", "/quahan", ORG_GROUP_ONLY, id="district-overdue-in-unlinked-group"),
    pytest.param("officer_unit", "/nhiemvu", ORG_GROUP_ONLY, id="tasks-in-unlinked-group"),
]


@pytest.mark.parametrize(("role", "text", "expect"), GROUP_ROWS)
async def test_command_in_group(env: Env, role: str, text: str, expect: Expect) -> None:
    harness = env.harness
    who = person(harness, ROLE_TG[role])
    group = harness.api.add_group(f"Nhóm {role} {text}", [who])
    env.failed.clear()
    before = await snapshot(harness.database)
    with ErrorRecords() as errors:
        replies = await send(harness, who, text, chat=group)
    after = await snapshot(harness.database)
    where = f"{role} {text} (group)"
    assert not errors.records, errors.describe()
    assert not env.failed.unexpected(), env.failed.unexpected()
    texts = [m.text or "" for m in replies]
    if expect.refused:
        assert texts == [expect.text()], f"{where}: {texts}"
    else:
        assert texts and not REFUSALS & set(texts), f"{where}: {texts}"
    changes = diff(before, after)
    if expect.refused:
        changes.pop("chats", None)  # the group itself is remembered (chat tracking)
    _check_writes(expect, changes, where)


# --------------------------------------------------------------------------- callbacks
#
# Targets name what the ids in the data point at; ``_ids`` makes them (fresh
# extension, draft, join request ... per row) and returns the format fields.

TASK_ROLE_TABLE = {
    # target:               unit_task      other_unit_task other_org_task  missing
    "stranger": (STRANGER, STRANGER, STRANGER, STRANGER),
    "officer_unit": ("ok", NOT_YOUR_TASK, NOT_YOUR_TASK, NOT_YOUR_TASK),
    "officer_other_unit": (NOT_YOUR_TASK, "ok", NOT_YOUR_TASK, NOT_YOUR_TASK),
    "other_org_chairman": (NOT_YOUR_TASK, NOT_YOUR_TASK, "ok", NOT_YOUR_TASK),
    "chairman": ("ok", "ok", NOT_YOUR_TASK, NOT_YOUR_TASK),
    "admin": ("ok", "ok", NOT_YOUR_TASK, NOT_YOUR_TASK),
    "viewer": (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}
TASK_TARGETS = ("unit_task", "other_unit_task", "other_org_task", "missing")
TASK_VERBS = [
    # data template, what an allowed press writes
    ("tk:{task}", ok()),  # opens the task card: reads only
    ("pc:{task}:50", ok(*UPDATE_WRITES, may=MAYBE_TASK)),
    ("dn:{task}", ok(*UPDATE_WRITES, may=MAYBE_TASK)),
    ("st:{task}:0", ok(*UPDATE_WRITES, may=MAYBE_TASK)),
    ("ev:{task}", ok("drafts")),  # "the next file is evidence": a draft row
]

WORKER_DEFAULT = {"stranger": STRANGER, "viewer": FORBIDDEN}

DRAFT_ROLE_TABLE = {
    # target:      officer's own draft   another's draft   missing
    **{r: (no("officer.reply.not_yours"),) * 3 for r in ROLES},
    "stranger": (STRANGER,) * 3,
    "viewer": (FORBIDDEN,) * 3,
    "officer_unit": ("ok", no("officer.reply.not_yours"), no("officer.reply.not_yours")),
}
DRAFT_TARGETS = ("own_draft", "others_draft", "missing")
DRAFT_VERBS = [
    ("ok:{draft}", ok(*UPDATE_WRITES, "drafts", may=MAYBE_TASK)),  # writes what was understood
    ("no:{draft}", ok("drafts")),  # drops it (resolved as corrected)
    ("wt:{draft}:{task}", ok("drafts")),  # chooses one of its candidate tasks
    # answers "80% or 100%?" / "75% or 90%?"; this draft asks nothing, so nothing changes
    ("fg:{draft}:0:90", ok()),
]

EXT_ROLE_TABLE = {
    # target:          pending here     pending in Vĩnh Tú   missing
    "stranger": (STRANGER,) * 3,
    "officer_unit": (FORBIDDEN,) * 3,
    "officer_other_unit": (FORBIDDEN,) * 3,
    "viewer": (FORBIDDEN,) * 3,
    "chairman": ("ok", FORBIDDEN, no("extension.unknown")),
    # Only the Chủ tịch / Phó Chủ tịch decides; the plan keeper is informed (issue 14).
    "admin": (FORBIDDEN,) * 3,
    "other_org_chairman": (FORBIDDEN, "ok", no("extension.unknown")),
}
EXT_TARGETS = ("pending_ext", "other_org_ext", "missing")
EXT_VERBS = [
    ("xa:{ext}", ok("extensions", "tasks", "audit_log")),  # the deadline moves
    ("xr:{ext}", ok("extensions", "audit_log")),
]

ADMIN_ONLY = {r: (FORBIDDEN,) * 3 for r in ROLES} | {"stranger": (STRANGER,) * 3}
JOIN_TARGETS = ("open_request", "open_request_other_unit", "missing")
JOIN_VERBS = [
    ("ja:{req}", ("ok", "ok", no("registration.request_decided")), ok()),  # asks the role
    ("jr:{req}", ("ok", "ok", no("registration.request_decided")), ok("audit_log")),
    ("jo:{req}:0", ("ok", "ok", no("registration.request_decided")), ok()),  # asks the unit
    (
        "ju:{req}:{unit}",
        ("ok", no("registration.unit_unknown"), no("registration.request_decided")),
        ok("people", "person_units", "audit_log"),
    ),
]

INVITE_TARGETS = ("own_unit", "other_org_unit", "missing")
INVITE_VERBS = [
    # mr:<role index>: 1 = chairman (a code at once); the target does not matter.
    ("mr:1", ("ok", "ok", "ok"), ok("invitations", "audit_log")),
    (
        "mu:{unit}",
        (
            "ok",
            Expect(key="registration.unit_unknown", edited=True),
            Expect(key="registration.unit_unknown", edited=True),
        ),
        ok("invitations", "audit_log"),
    ),
]

REGISTERED_OK = {r: ("ok",) * 3 for r in ROLES} | {"stranger": (STRANGER,) * 3}
LANGUAGE_VERBS = [("lg:0", ok("people", "audit_log"))]  # Vietnamese again: same text after

VIEWERS_TABLE = {
    # target:  Vĩnh Khê's  Vĩnh Tú's  Gio Mỹ's (another district)  missing
    "stranger": (STRANGER,) * 4,
    "officer_unit": (FORBIDDEN,) * 4,
    "officer_other_unit": (FORBIDDEN,) * 4,
    "chairman": ("ok", NOT_YOURS, NOT_YOURS, NOT_YOURS),
    "admin": ("ok", NOT_YOURS, NOT_YOURS, NOT_YOURS),
    "other_org_chairman": (NOT_YOURS, "ok", NOT_YOURS, NOT_YOURS),
    "viewer": ("ok", "ok", NOT_YOURS, NOT_YOURS),  # its district's communes only
}
DRILL_TARGETS = ("org", "other_org", "other_district", "missing")
DRILL_VERBS = [("ovf:{field}", ok()), ("ovu:{unit}", ok())]
COMMUNE_TABLE = {
    **VIEWERS_TABLE,
    "chairman": (STALE, NOT_YOURS, NOT_YOURS, NOT_YOURS),  # one's own: the overview itself
    "admin": (STALE, NOT_YOURS, NOT_YOURS, NOT_YOURS),
    "other_org_chairman": (NOT_YOURS, STALE, NOT_YOURS, NOT_YOURS),
}
NUDGE_TABLE = {
    **VIEWERS_TABLE,
    "viewer": (FORBIDDEN,) * 4,  # the district looks; the commune's leaders nudge
}

UPLOAD_TABLE = ADMIN_ONLY | {"admin": ("ok", NOT_YOURS, UPLOAD_STALE)}
UPLOAD_TARGETS = ("own_upload", "others_upload", "missing")
UPLOAD_VERBS = [
    ("imm:{upload}:0:0", ok("draft_steps")),  # map the first new name to "create it"
    ("imno:{upload}", ok("drafts")),  # drop the upload
    # Confirming needs the file again; this draft's file never existed: a polite popup.
    ("imok:{upload}", Expect(key="plan_upload.reread_failed", params={"name": "ke-hoach.xlsx"})),
    # The prose-plan review (issue 12) reads the file too before showing or editing the list.
    ("imp:{upload}:0", Expect(key="plan_upload.reread_failed", params={"name": "ke-hoach.xlsx"})),
    ("ime:{upload}:1:0", Expect(key="plan_upload.reread_failed", params={"name": "ke-hoach.xlsx"})),
    ("imr:{upload}", Expect(key="plan_upload.reread_failed", params={"name": "ke-hoach.xlsx"})),
]


# A task whose plan names no lead unit: only the plan keeper assigns one (issue 11).
ASSIGN_TARGETS = ("placeholder_task", "led_task", "other_org_task", "missing")
ASSIGN_TABLE = {r: (FORBIDDEN,) * 4 for r in ROLES} | {
    "stranger": (STRANGER,) * 4,
    "admin": (
        "ok",
        no("assign.already", number=3, unit="Tư pháp - Hộ tịch"),
        NOT_YOUR_TASK,
        NOT_YOUR_TASK,
    ),
}
ASSIGN_VERBS = [
    ("asg:{task}", ok()),  # lists the units to choose from: reads only
    ("asu:{task}:{unit}", ok("tasks", "task_units", "audit_log")),
]


PAR_FIELD_TABLE = {r: (STALE,) for r in ROLES} | {
    "stranger": (STRANGER,),
    "officer_unit": (FORBIDDEN,),
    "officer_other_unit": (FORBIDDEN,),
}


def _rows(
    verbs: list[tuple[Any, ...]], targets: tuple[str, ...], table: dict[str, tuple[Any, ...]]
) -> list[Any]:
    """One row per (verb, role, target).

    A verb is ``(template, allowed)`` or, for the plan keeper's own verbs (join
    requests, invitations), ``(template, admin's cell per target, allowed)``:
    where the role table says "ok" for the admin, the verb's own cell decides
    (e.g. a unit of another commune is refused even to the plan keeper).
    """
    rows = []
    for verb in verbs:
        template, allowed = verb[0], verb[-1]
        per_target = verb[1] if len(verb) == 3 else None
        for role in ROLES:
            first: Expect | None = None
            for index, target in enumerate(targets):
                cell = table[role][index]
                if per_target is not None and role == "admin" and cell == "ok":
                    cell = per_target[index]
                expect = allowed if cell == "ok" else cell
                first = first or expect
                # A role refused the same way whatever the data points at (a stranger,
                # a role the handler does not take) is refused before the target is
                # looked at: its first target runs in the fast suite, the rest is slow.
                slow = index > 0 and expect.refused and expect == first
                rows.append(
                    pytest.param(
                        role,
                        template,
                        target,
                        expect,
                        id=f"{template.split(':')[0]}|{target}|{role}",
                        marks=(pytest.mark.slow,) if slow else (),
                    )
                )
    return rows


CALLBACK_ROWS = [
    *_rows(TASK_VERBS, TASK_TARGETS, TASK_ROLE_TABLE),
    *_rows(
        [("tl:{page}", ok())],
        ("first", "beyond", "negative"),
        {r: ("ok",) * 3 for r in ROLES} | {"stranger": (STRANGER,) * 3, "viewer": (FORBIDDEN,) * 3},
    ),
    *_rows(DRAFT_VERBS, DRAFT_TARGETS, DRAFT_ROLE_TABLE),
    *_rows(EXT_VERBS, EXT_TARGETS, EXT_ROLE_TABLE),
    *_rows(JOIN_VERBS, JOIN_TARGETS, ADMIN_ONLY | {"admin": ("ok",) * 3}),
    *_rows(INVITE_VERBS, INVITE_TARGETS, ADMIN_ONLY | {"admin": ("ok",) * 3}),
    *_rows(LANGUAGE_VERBS, ("valid",), {r: v[:1] for r, v in REGISTERED_OK.items()}),
    *_rows([("lg:9", ok())], ("out_of_range",), {r: v[:1] for r, v in REGISTERED_OK.items()}),
    *_rows(DRILL_VERBS, DRILL_TARGETS, VIEWERS_TABLE),
    *_rows([("ovc:{org}", ok())], DRILL_TARGETS, COMMUNE_TABLE),
    # A nudge queues one notice per officer and day (the second press: "already"; Vĩnh
    # Tú has no officer: "nobody"), so what it writes depends on the day's earlier presses.
    *_rows(
        [("ndg:{task}", ok(may=("outbox", "audit_log", "scheduler_state")))],
        DRILL_TARGETS,
        NUDGE_TABLE,
    ),
    *_rows(UPLOAD_VERBS, UPLOAD_TARGETS, UPLOAD_TABLE),
    *_rows(ASSIGN_VERBS, ASSIGN_TARGETS, ASSIGN_TABLE),
    *_rows([("pif:{crit}", ok())], ("missing",), PAR_FIELD_TABLE),
]


async def _ids(env: Env, role: str, template: str, target: str) -> dict[str, Any]:
    """Make what ``target`` names for this row and return the data template's fields."""
    harness, world = env.harness, env.world
    tasks = world.commune.task_ids
    verb = template.split(":")[0]
    if verb in {"tk", "pc", "dn", "st", "ev"}:
        return {
            "task": {
                "unit_task": tasks[3],  # Tư pháp's task: the officer of the unit's own
                "other_unit_task": tasks[7],  # Tài chính's task
                "other_org_task": world.other_task_id,
                "missing": NOWHERE,
            }[target]
        }
    if verb == "tl":
        return {"page": {"first": 0, "beyond": 99, "negative": -3}[target]}
    if verb in {"ok", "no", "wt", "fg"}:
        if target == "missing":
            return {"draft": NOWHERE, "task": tasks[3]}
        owner = ROLE_TG["officer_unit"]
        if target == "others_draft" and role == "officer_unit":
            owner = ROLE_TG["officer_other_unit"]  # somebody else's, whoever presses
        return {"draft": await new_progress_draft(harness, world, owner, 3), "task": tasks[4]}
    if verb in {"xa", "xr"}:
        if target == "missing":
            return {"ext": NOWHERE}
        return {"ext": await new_extension(harness, world, other_org=target == "other_org_ext")}
    if verb in {"ja", "jr", "jo", "ju"}:
        if target == "missing":
            return {"req": NOWHERE, "unit": world.commune.unit_ids["tp"]}
        stranger_tg = 50_000 + len(harness.api.state.calls)  # a new applicant per row
        person(harness, stranger_tg)  # who can be told the outcome
        unit = world.other_unit_id if target == "open_request_other_unit" else None
        return {
            "req": await new_join_request(harness, stranger_tg),
            "unit": unit or world.commune.unit_ids["tp"],
        }
    if verb in {"mr", "mu"}:
        return {
            "unit": {
                "own_unit": world.commune.unit_ids["tp"],
                "other_org_unit": world.other_unit_id,
                "missing": NOWHERE,
            }[target]
        }
    if verb in {"ovf", "ovu", "ovc", "ndg"}:
        return {
            "field": {
                "org": world.field_ids["II"],
                "other_org": world.other_field_id,
                "other_district": world.far_field_id,
                "missing": NOWHERE,
            }[target],
            "unit": {
                "org": world.commune.unit_ids["tp"],
                "other_org": world.other_unit_id,
                "other_district": world.far_unit_id,
                "missing": NOWHERE,
            }[target],
            "org": {
                "org": world.commune.org_id,
                "other_org": world.commune.other_org_id,
                "other_district": world.far_org_id,
                "missing": NOWHERE,
            }[target],
            "task": {
                "org": tasks[6],  # overdue since 31/05: Một cửa's officer is nudged
                "other_org": world.other_task_id,
                "other_district": world.far_task_id,
                "missing": NOWHERE,
            }[target],
        }
    if verb in {"imm", "imok", "imno", "imp", "ime", "imr"}:
        if target == "missing":
            return {"upload": NOWHERE}
        owner = ROLE_TG["admin"] if target == "own_upload" else ROLE_TG["chairman"]
        return {"upload": await new_upload_draft(harness, owner)}
    if verb in {"asg", "asu"}:
        task = {
            "led_task": tasks[3],  # Tư pháp leads it
            "other_org_task": world.other_task_id,
            "missing": NOWHERE,
        }.get(target)
        if task is None:  # a fresh one per row: an allowed press assigns it
            task = await add_placeholder_task(harness.database, world.commune)
        return {"task": task, "unit": world.commune.unit_ids["tp"]}
    if verb == "lg":
        return {}
    if verb == "pif":  # the PAR INDEX desk's own rows are in tests/test_par_index_desk.py
        return {"crit": NOWHERE}
    raise AssertionError(f"no ids for {template}")


# Cells where the table above (the design) and the code disagree: kept visible, not hidden.
KNOWN_DEFECTS: dict[str, str] = {}


@pytest.mark.parametrize(("role", "template", "target", "expect"), CALLBACK_ROWS)
async def test_button(
    env: Env, role: str, template: str, target: str, expect: Expect, request: pytest.FixtureRequest
) -> None:
    defect = KNOWN_DEFECTS.get(request.node.callspec.id)
    if defect:
        request.applymarker(pytest.mark.xfail(strict=True, reason=defect))
    harness = env.harness
    who = person(harness, ROLE_TG[role])
    data = template.format(**await _ids(env, role, template, target))
    assert cb.parse(data) is not None or len(data.encode()) <= 64
    env.failed.clear()
    before = await snapshot(harness.database)
    with ErrorRecords() as errors:
        press = await forge_press(harness, who, data)
        if template.startswith("ndg"):
            await harness.idle()  # a nudge's background tick included
    after = await snapshot(harness.database)
    where = f"{role} presses {data} ({target})"
    assert not errors.records, f"{where}: {errors.describe()}"
    assert not env.failed.unexpected(), f"{where}: {env.failed.unexpected()}"
    assert press.answer is not None, f"{where}: the button was never answered"
    answer = press.answer.text or ""
    if expect.refused and expect.edited:
        assert press.edited.text == expect.text(), f"{where}: {press.edited.text!r}"
        assert not press.edited.button_data()
    elif expect.refused:
        assert answer == expect.text(), f"{where}: answered {answer!r}"
        assert press.answer.show_alert, f"{where}: a refusal must be a popup"
        assert not press.messages, f"{where}: refused, yet sent {[m.text for m in press.messages]}"
        assert press.edited.edits == [], f"{where}: refused, yet edited the message"
    else:
        assert answer not in REFUSALS, f"{where}: refused: {answer!r}"
        texts = [m.text or m.caption or "" for m in press.messages]
        _check_texts(expect, [*texts, press.edited.text or ""], where)
        if role == "other_org_chairman":
            joined = "\n".join([*texts, press.edited.text or ""])
            assert not any(s in joined for s in VINH_KHE), f"{where}: leaked {joined!r}"
    _check_writes(expect, diff(before, after), where)


LONG_NAME = "Kế hoạch CCHC năm 2024 của UBND xã Vĩnh Khê (bản sửa đổi lần 2, đã rà soát).xlsx"


async def test_reread_failure_popup_fits_with_a_long_file_name(env: Env) -> None:
    """The one refusal popup that carries user text (a file name) stays under 200 characters."""
    harness = env.harness
    admin = person(harness, ROLE_TG["admin"])
    upload = await new_upload_draft(harness, ROLE_TG["admin"], filename=LONG_NAME)
    env.failed.clear()
    with ErrorRecords() as errors:
        press = await forge_press(harness, admin, f"imok:{upload}")
    assert not env.failed.unexpected(), env.failed.unexpected()
    assert not errors.records, errors.describe()
    assert press.answer is not None and press.answer.show_alert
    assert len(press.answer.text or "") <= 200  # Telegram's popup limit


def _fast(rows: list[Any]) -> list[Any]:
    return [row for row in rows if not any(mark.name == "slow" for mark in row.marks)]


async def test_matrix_size() -> None:
    """Every verb of handlers/callbacks.py and every command spelling is in the matrix,
    for every role, and each of them in the fast suite too (every verb for every role)."""
    import handlers
    from handlers.menu import all_commands

    verbs = {
        value
        for name, value in vars(cb).items()
        if name.isupper() and isinstance(value, str) and name != "TASK_VERBS"
    }
    for rows in (CALLBACK_ROWS, _fast(CALLBACK_ROWS)):
        covered = {row.values[1].split(":")[0] for row in rows}
        assert verbs <= covered, sorted(verbs - covered)
        pairs = {(row.values[1].split(":")[0], row.values[0]) for row in rows}
        assert {(v, r) for v in covered for r in ROLES} <= pairs
    spellings = {n for spec in all_commands() for n in (spec.name, *spec.aliases)}
    for rows in (COMMAND_ROWS, _fast(COMMAND_ROWS)):
        tested = {row.values[1].split()[0][1:] for row in rows}
        assert spellings <= tested, sorted(spellings - tested)
    fast_roles = {row.values[0] for row in _fast(COMMAND_ROWS)}
    assert fast_roles == set(ROLES)
    assert handlers.FEATURE_MODULES  # the gathering above saw every feature module


async def test_aliases_are_spellings_of_one_handler() -> None:
    """The fast suite runs an alias for one role only: it is safe because every
    spelling of a row is a name of the same CommandHandler (one callback, one
    declaration), so the alias is refused and served exactly as its command."""
    from pydantic import SecretStr
    from telegram.ext import CommandHandler

    from bot.app import build_application
    from core.settings import Settings
    from handlers.access import registered_handlers

    token = SecretStr("123456789:TEST-cchc-fake-token-for-aliases")
    app = build_application(Settings(telegram_bot_token=token), scheduler=False)
    commands = [
        handler
        for group, handler, _ in registered_handlers(app)
        if group >= 0 and isinstance(handler, CommandHandler)
    ]
    for names, _, _ in COMMANDS:
        owners = {name: [h for h in commands if name in h.commands] for name in names}
        assert all(len(found) == 1 for found in owners.values()), owners
        assert len({id(found[0]) for found in owners.values()}) == 1, owners


# --------------------------------------------------------------------------- real keyboards
#
# The same rules on real messages: the chairman's /tongquan and /quahan in the
# commune's linked group carry drill-down and nudge buttons that everyone in the
# group can see and press. People of other organizations (the neighbour commune's
# chairman, the district) may not use them there: not their organization's group.

GROUP_PRESS = {
    # role: (drill-down ovf/ovu, nudge ndg)
    "stranger": (STRANGER, STRANGER),
    "officer_unit": (FORBIDDEN, FORBIDDEN),
    "officer_other_unit": (FORBIDDEN, FORBIDDEN),
    "other_org_chairman": (ORG_GROUP_ONLY, ORG_GROUP_ONLY),
    "viewer": (ORG_GROUP_ONLY, FORBIDDEN),  # the district looks in private, never nudges
    "admin": ("ok", "ok"),
}


def _first_of_each_verb(data: list[str]) -> list[str]:
    firsts: dict[str, str] = {}
    for item in data:
        firsts.setdefault(item.split(":")[0], item)
    return list(firsts.values())


@pytest.mark.parametrize(
    ("role", "every"),
    [
        pytest.param(role, every, id=f"{role}|{'every' if every else 'one'}", marks=marks)
        for role in GROUP_PRESS
        for every, marks in ((False, ()), (True, (pytest.mark.slow,)))
    ],
)
async def test_real_buttons_in_a_group(env: Env, role: str, every: bool) -> None:
    """The fast suite presses one button of each verb (a field, a unit, a task to nudge)
    per role; every button of both messages is the slow variant."""
    harness = env.harness
    chairman = person(harness, ROLE_TG["chairman"])
    who = person(harness, ROLE_TG[role])
    admin = person(harness, ROLE_TG["admin"])
    group = harness.api.add_group(f"UBND xã Vĩnh Khê ({role})", [chairman, admin, who])
    await send(harness, admin, "/lienketnhom", chat=group)
    overview = (await send(harness, chairman, "/tongquan", chat=group))[0]
    overdue = (await send(harness, chairman, "/quahan", chat=group))[0]
    assert overview.button_data() and overdue.button_data()
    drill_expect, nudge_expect = GROUP_PRESS[role]
    for message, expect in ((overview, drill_expect), (overdue, nudge_expect)):
        pressed = message.button_data() if every else _first_of_each_verb(message.button_data())
        for data in pressed:
            env.failed.clear()
            before = await snapshot(harness.database)
            with ErrorRecords() as errors:
                update = harness.api.user_presses_button(who, message, data)
                answer = await harness.api.wait_for_callback_answer(update)
                await harness.idle()
                if data.startswith("ndg"):
                    await harness.idle()  # a nudge's background tick included
            after = await snapshot(harness.database)
            where = f"{role} presses {data} in the group"
            assert not errors.records, f"{where}: {errors.describe()}"
            assert not env.failed.unexpected(), f"{where}: {env.failed.unexpected()}"
            if expect == "ok":
                assert (answer.text or "") not in REFUSALS, where
                continue
            assert answer.text == expect.text() and answer.show_alert, f"{where}: {answer}"
            changes = diff(before, after)
            changes.pop("chats", None)
            assert not changes, f"{where}: a refusal changed {changes}"


# --------------------------------------------------------------------------- defects once pinned
# Found by this matrix and fixed; kept as regression tests.


async def test_a_group_linked_to_one_commune_cannot_be_taken_by_another(tmp_path: Path) -> None:
    from sqlalchemy import select

    from storage.directory import add_person
    from storage.models import Chat as ChatRow
    from storage.models import Organization, Role
    from tests.access_support import seed_world

    async with BotHarness(sqlite_url(tmp_path), limits=Limits.off()) as harness:
        world = await seed_once(harness.database, seed_world)
        async with harness.database.write() as session:
            await add_person(
                session,
                world.commune.other_org_id,
                "Đặng Thu Hà",
                Role.ADMIN,
                telegram_user_id=2007,
            )
        lan, ha = person(harness, ROLE_TG["admin"]), person(harness, 2007)
        group = harness.api.add_group("UBND xã Vĩnh Khê", [lan, ha])
        await send(harness, lan, "/lienketnhom", chat=group)
        await send(harness, ha, "/lienketnhom", chat=group)
        async with harness.database.read() as session:
            chat = await session.get(ChatRow, group.id)
            linked = dict(
                (await session.execute(select(Organization.id, Organization.group_chat_id))).all()
            )
        assert chat is not None and chat.organization_id == world.commune.org_id
        assert linked[world.commune.other_org_id] is None
