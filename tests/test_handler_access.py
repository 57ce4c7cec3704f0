"""Deny by default: every registered handler × every role × private chat and groups.

The handler list is read from the built Application (``registered_handlers``),
not written here, so a handler added later is walked too. For each one the
test builds the update that reaches it (``/command``, a forged button press
with the verb its pattern accepts, a text or a file) and checks the
declaration is what the bot does:

* a role the declaration leaves out gets exactly the refusal (stranger /
  forbidden) and no table changes;
* a role it lets in is not refused for who it is;
* in a group nobody linked, a handler not declared ``ANYWHERE`` refuses
  (private-only / organization-group-only) and changes nothing; in the
  organization's linked group an ``ORG_CHATS`` handler answers.

``test_registry_refuses_an_undeclared_handler`` pins that the registry will not
start a bot with a handler that says nothing about access.

The private-chat walk of a command or button the access matrix also runs is
partly ``slow`` (see ``_private_rows``); ``test_declarations_agree_with_the_matrix``
ties the declarations to the matrix's rows without a bot.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from pydantic import SecretStr
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler

import handlers
from bot.app import build_application
from core.settings import Settings
from handlers.access import Access, Kind, UndeclaredAccess, Where, registered_handlers
from locales import t
from sandbox.devserver.state import Chat, Message, User
from sandbox.harness import BotHarness
from storage.models import Role
from tests.access_support import (
    ROLE_TG,
    ErrorRecords,
    World,
    access_world,
    bot_messages_since,
    diff,
    enqueue_press,
    person,
    plant_button,
    snapshot,
)
from tests.regex_sample import sample

MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")

VICE_TG = 2101
ROLE_OF: dict[str, Role | None] = {
    "stranger": None,
    "officer_unit": Role.OFFICER,
    "officer_other_unit": Role.OFFICER,
    "other_org_chairman": Role.CHAIRMAN,
    "chairman": Role.CHAIRMAN,
    "vice_chairman": Role.VICE_CHAIRMAN,
    "admin": Role.ADMIN,
    "viewer": Role.DISTRICT_VIEWER,
}
TG_OF = {**ROLE_TG, "vice_chairman": VICE_TG}
# People of Vĩnh Khê: members of its linked group.
VINH_KHE_PEOPLE = ("officer_unit", "officer_other_unit", "chairman", "vice_chairman", "admin")
TOKEN = "123456789:TEST-cchc-fake-token-for-registry"


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


ROLE_REFUSAL = {"stranger": plain(t("auth.stranger")), "forbidden": plain(t("auth.forbidden"))}
WHERE_REFUSALS = {plain(t("auth.private_only")), plain(t("auth.org_group_only"))}
ALL_REFUSALS = set(ROLE_REFUSAL.values()) | WHERE_REFUSALS


# --------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class Entry:
    """One registered handler, with the update that reaches it."""

    label: str
    kind: str  # "command", "button", "text", "file"
    payload: str  # the command text, callback data, text
    access: Access
    conversation: bool  # an entry point: send /huy after an allowed row
    caption: str | None = None  # a file's caption
    in_groups: bool = True  # False: its filter never lets a group message reach it


def _verb(pattern: re.Pattern[str]) -> str:
    """A callback verb the pattern accepts: ``^(pc|dn|st):`` → ``pc``."""
    source = pattern.pattern.lstrip("^")
    match = re.match(r"\(?([a-z]+)", source)
    assert match, f"cannot read a verb from {pattern.pattern!r}"
    verb = match.group(1)
    assert pattern.match(f"{verb}:0"), pattern.pattern
    return verb


def _filter_patterns(flt: Any) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """(text patterns, caption patterns) of a filter tree, inverted parts left out."""
    text: list[re.Pattern[str]] = []
    caption: list[re.Pattern[str]] = []
    stack = [flt]
    while stack:
        part = stack.pop()
        if part is None:
            continue
        pattern = getattr(part, "pattern", None)
        if isinstance(pattern, re.Pattern):
            (caption if "Caption" in type(part).__name__ else text).append(pattern)
        stack += [getattr(part, a, None) for a in ("base_filter", "and_filter", "or_filter")]
    return text, caption


def _message(kind: str, payload: str, caption: str | None, chat: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 5 if chat == "private" else -5, "type": chat},
        "from": {"id": 5, "is_bot": False, "first_name": "x"},
    }
    if kind == "text":
        message["text"] = payload
        if payload.startswith("/"):
            command = payload.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    else:
        message["document"] = {"file_id": "f", "file_unique_id": "u", "file_name": payload}
        if caption is not None:
            message["caption"] = caption
    return message


def _checks(handler: Any, update: Any) -> bool:
    """``check_update`` offline: a CommandHandler asks for the bot's username (no bot here);
    the sample commands are ones no CommandHandler knows, so that one does not match."""
    try:
        return bool(handler.check_update(update))
    except RuntimeError:
        return False


def _message_entries(
    app: Any, handler: MessageHandler[Any, Any, Any], access: Access
) -> list[Entry]:
    """A text and/or a file that reach ``handler`` first in its group (checked)."""
    from telegram import Update

    texts, captions = _filter_patterns(handler.filters)
    candidates = [
        ("text", sample(texts[0]) if texts else "xin chào", None),
        ("text", "/khongcolenhnay", None),  # a command no handler knows
        ("file", "bao-cao.pdf", sample(captions[0]) if captions else None),
    ]
    found = []
    group = next(g for g, hs in app.handlers.items() if handler in hs)

    def first_in_group(kind: str, payload: str, caption: str | None, chat: str) -> Any:
        message = _message(kind, payload, caption, chat)
        update = Update.de_json({"update_id": 1, "message": message}, None)
        return next((h for h in app.handlers[group] if _checks(h, update)), None)

    for kind, payload, caption in candidates:
        if first_in_group(kind, payload, caption, "private") is handler:
            name = handler.callback.__qualname__
            in_groups = first_in_group(kind, payload, caption, "group") is handler
            found.append(Entry(f"{name}[{kind}]", kind, payload, access, False, caption, in_groups))
    if not found:  # a custom filter (e.g. "a reply to the bot's prompt"): see below
        UNSAMPLED.append((handler.callback.__qualname__, access))
    return found


UNSAMPLED: list[tuple[str, Access]] = []


def _entries() -> list[Entry]:
    app = build_application(Settings(telegram_bot_token=SecretStr(TOKEN)), scheduler=False)
    entry_points = {
        id(h)
        for hs in app.handlers.values()
        for conv in hs
        if isinstance(conv, ConversationHandler)
        for h in conv.entry_points
    }
    in_conversation = {
        id(h)
        for hs in app.handlers.values()
        for conv in hs
        if isinstance(conv, ConversationHandler)
        for h in [*conv.fallbacks, *(x for s in conv.states.values() for x in s)]
    }
    entries = []
    for group, handler, access in registered_handlers(app):
        if group < 0 or id(handler) in in_conversation:
            continue  # trackers never answer; conversation steps are reached via the entry
        if isinstance(handler, CommandHandler):
            command = sorted(handler.commands)[0]
            entries.append(
                Entry(f"/{command}", "command", f"/{command}", access, id(handler) in entry_points)
            )
        elif isinstance(handler, CallbackQueryHandler):
            verb = _verb(handler.pattern)
            entries.append(Entry(f"{verb}:", "button", f"{verb}:0:0:0", access, False))
        elif isinstance(handler, MessageHandler):
            entries += _message_entries(app, handler, access)
        else:  # pragma: no cover - a new handler type: make the walk learn it
            raise AssertionError(f"the access walk does not know {type(handler).__name__}")
    return entries


ENTRIES = _entries()


def test_the_walk_covers_every_kind() -> None:
    kinds = {e.kind for e in ENTRIES}
    assert kinds == {"command", "button", "text", "file"}
    assert len(ENTRIES) >= 30


def test_message_handlers_no_sample_reaches_are_guarded() -> None:
    """A handler behind a custom filter the walk cannot satisfy is at least a ``require``:
    its wrapper refuses strangers, other roles and other chats before its body runs."""
    for name, access in UNSAMPLED:
        assert access.kind is Kind.GUARDED, f"{name} is {access.kind} and the walk cannot reach it"


def test_trackers_only_in_negative_groups_and_features_never_trackers() -> None:
    app = build_application(Settings(telegram_bot_token=SecretStr(TOKEN)), scheduler=False)
    for group, handler, access in registered_handlers(app):
        where = f"group {group}: {handler.callback.__qualname__}"
        assert (access.kind is Kind.TRACKER) == (group < 0), where


def test_declarations_agree_with_the_matrix() -> None:
    """For every command and button and every role of the matrix: a role the declaration
    refuses is, in the matrix (which the bot is checked against), refused with exactly the
    wrapper's text; a role it lets in is never told it is a stranger, nor refused for every
    argument and target. With the matrix's bot rows, this is what the slow part of
    test_private_chat walks one update at a time.
    """
    checked = 0
    for entry in ENTRIES:
        cells = _matrix_cells(entry)
        if not cells:
            continue  # not in the matrix: test_private_chat walks it for every role
        assert set(cells) == set(ROLE_TG), f"{entry.label}: not in the matrix for {cells.keys()}"
        for role, expects in cells.items():
            where = f"{role} {entry.label} ({entry.access.kind})"
            keys = {expect.key for expect in expects}
            if not entry.access.allows(ROLE_OF[role]):
                wanted = "auth.stranger" if ROLE_OF[role] is None else "auth.forbidden"
                assert keys == {wanted}, f"{where}: declared refused, the matrix says {keys}"
            elif ROLE_OF[role] is not None:
                # Let in: never "a stranger", and not refused everywhere (a "forbidden" of
                # the handler's own, e.g. another commune's extension, depends on the data).
                assert "auth.stranger" not in keys, f"{where}: declared allowed, {keys}"
                assert keys != {"auth.forbidden"}, f"{where}: declared allowed, {keys}"
            checked += 1
    assert checked >= 7 * 40


def test_registry_refuses_an_undeclared_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    async def naked(update: Any, context: Any) -> None:  # pragma: no cover - never runs
        return None

    module = types.ModuleType("handlers.naked")
    module.HANDLERS = {0: [CommandHandler("naked", naked)]}  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "handlers.naked", module)
    monkeypatch.setattr(handlers, "FEATURE_MODULES", (*handlers.FEATURE_MODULES, "handlers.naked"))
    with pytest.raises(UndeclaredAccess, match="naked"):
        build_application(Settings(telegram_bot_token=SecretStr(TOKEN)), scheduler=False)


# --------------------------------------------------------------------------- the bot


@dataclass
class Env:
    harness: BotHarness
    world: World
    linked: Chat


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    from storage.chats import link_group
    from storage.directory import add_person

    async with access_world(tmp_path_factory.mktemp("handler-access")) as (harness, world):
        async with harness.database.write() as session:
            await add_person(
                session,
                world.commune.org_id,
                "Lê Phó",
                Role.VICE_CHAIRMAN,
                telegram_user_id=VICE_TG,
            )
        users = {role: person(harness, tg) for role, tg in TG_OF.items()}
        linked = harness.api.add_group("UBND xã Vĩnh Khê", [users[r] for r in VINH_KHE_PEOPLE])
        async with harness.database.write() as session:
            await link_group(
                session,
                linked.id,
                "group",
                linked.title,
                world.commune.org_id,
                world.commune.people["admin"],
            )
        await harness.tick()
        yield Env(harness, world, linked)


async def _trigger(env: Env, who: User, entry: Entry, chat: Chat | None) -> list[str]:
    """Reach the handler; every text the person then sees (messages and popups)."""
    harness = env.harness
    chat_id = chat.id if chat is not None else who.id
    mark = harness.api.state.last_seq
    if entry.kind in ("command", "text"):
        harness.api.user_sends_text(who, chat, entry.payload)
    elif entry.kind == "file":
        harness.api.user_uploads_document(
            who, chat, entry.payload, b"%PDF-1.4 minh chung", caption=entry.caption
        )
    else:
        message: Message = plant_button(harness, chat_id, entry.payload)
        mark = harness.api.state.last_seq
        query_id = enqueue_press(harness, who, message, entry.payload)
        await harness.idle()
        answer = harness.api.callback_answer(query_id)
        texts = [m.text or m.caption or "" for m in bot_messages_since(harness, chat_id, mark)]
        return ([answer.text] if answer is not None and answer.text else []) + texts
    await harness.idle()
    return [m.text or m.caption or "" for m in bot_messages_since(harness, chat_id, mark)]


async def _cleanup(env: Env, who: User, entry: Entry, chat: Chat | None) -> None:
    if entry.conversation:
        env.harness.api.user_sends_text(who, chat, "/huy")
        await env.harness.idle()


def _matrix_cells(entry: Entry) -> dict[str, list[Any]]:
    """role → every expectation tests/test_access_matrix.py has for ``entry``'s command
    (any spelling, any arguments) or button verb (any target)."""
    from tests.test_access_matrix import CALLBACK_ROWS, COMMANDS

    cells: dict[str, list[Any]] = {}
    if entry.kind not in ("command", "button"):
        return cells
    if entry.kind == "command":
        name = entry.payload[1:]
        for names, _, table in COMMANDS:
            if name in names:
                for role, expect in table.items():
                    cells.setdefault(role, []).append(expect)
    else:
        verb = entry.payload.split(":")[0]
        for row in CALLBACK_ROWS:
            role, template, _, expect = row.values
            if template.split(":")[0] == verb:
                cells.setdefault(role, []).append(expect)
    return cells


def _private_rows() -> list[Any]:
    """Every (entry, role); the fast suite runs part of it, the rest is ``slow``.

    A text, a file, or a command or button the matrix of tests/test_access_matrix.py
    does not have, is walked for every role (only this walk reaches them). One the
    matrix has is walked for the vice-chairman (a role the matrix has not), the
    first role its declaration lets in and the first it refuses: the wrapper's
    refusal is generic, the matrix runs the bot for every other role, and that the
    declaration says what the matrix shows, role by role, is
    ``test_declarations_agree_with_the_matrix`` (no bot needed).
    """
    rows = []
    for entry in ENTRIES:
        allowed = [r for r in ROLE_OF if entry.access.allows(ROLE_OF[r])]
        refused = [r for r in ROLE_OF if r not in allowed]
        fast = {"vice_chairman", *allowed[:1], *refused[:1]}
        in_matrix = bool(_matrix_cells(entry))
        for role in ROLE_OF:
            slow = in_matrix and role not in fast
            rows.append(
                pytest.param(
                    entry,
                    role,
                    id=f"{entry.label}|{role}",
                    marks=(pytest.mark.slow,) if slow else (),
                )
            )
    return rows


ROWS = _private_rows()


@MODULE_LOOP
@pytest.mark.parametrize(("entry", "role"), ROWS)
async def test_private_chat(env: Env, entry: Entry, role: str) -> None:
    harness = env.harness
    who = person(harness, TG_OF[role])
    before = await snapshot(harness.database)
    with ErrorRecords() as errors:
        texts = await _trigger(env, who, entry, None)
        allowed = entry.access.allows(ROLE_OF[role])
        if allowed:
            await _cleanup(env, who, entry, None)
    after = await snapshot(harness.database)
    where = f"{role} {entry.label} ({entry.access.kind}, private)"
    assert not errors.records, f"{where}: {errors.describe()}"
    seen = [plain(x) for x in texts]
    if allowed:
        assert not set(seen) & set(ROLE_REFUSAL.values()) or entry.access.kind is Kind.OPEN, (
            f"{where}: refused {seen}"
        )
        if role == "stranger":  # an open handler: a stranger may at most ask to join
            changes = set(diff(before, after)) - {"chats"}
            assert changes <= {"join_requests", "audit_log"}, f"{where}: {changes}"
        return
    wanted = ROLE_REFUSAL["stranger" if ROLE_OF[role] is None else "forbidden"]
    assert seen == [wanted], f"{where}: {seen}"
    changes = diff(before, after)
    changes.pop("chats", None)
    assert not changes, f"{where}: a refusal changed {changes}"


def _group_rows() -> list[Any]:
    """Where does not depend on who: per guarded handler, one person of Vĩnh Khê it lets
    in (in a stranger group and in the linked group) and each outsider it lets in."""
    rows = []
    for entry in ENTRIES:
        if entry.access.kind is not Kind.GUARDED or not entry.in_groups:
            continue
        allowed = [r for r in ROLE_OF if entry.access.allows(ROLE_OF[r])]
        insiders = [r for r in VINH_KHE_PEOPLE if r in allowed]
        outsiders = [r for r in allowed if r not in VINH_KHE_PEOPLE]
        cases = [(insiders[0], False), (insiders[0], True)] if insiders else []
        cases += [(r, False) for r in outsiders]
        rows += [
            pytest.param(
                entry, role, linked, id=f"{entry.label}|{role}|{'linked' if linked else 'other'}"
            )
            for role, linked in cases
        ]
    return rows


GROUP_ROWS = _group_rows()


@MODULE_LOOP
@pytest.mark.parametrize(("entry", "role", "linked"), GROUP_ROWS)
async def test_group_chat(env: Env, entry: Entry, role: str, linked: bool) -> None:
    """Where: an unlinked group gets a refusal and nothing else; the linked group is served."""
    harness = env.harness
    who = person(harness, TG_OF[role])
    if linked:
        chat = env.linked
    else:
        chat = harness.api.add_group(f"Nhóm bạn bè {role} {entry.label}", [who])
    before = await snapshot(harness.database)
    with ErrorRecords() as errors:
        texts = await _trigger(env, who, entry, chat)
        await _cleanup(env, who, entry, chat)
    after = await snapshot(harness.database)
    where = f"{role} {entry.label} ({entry.access.where}, {'linked' if linked else 'other'} group)"
    assert not errors.records, f"{where}: {errors.describe()}"
    seen = [plain(x) for x in texts]
    refused_here = entry.access.where is Where.PRIVATE or (
        entry.access.where is Where.ORG_CHATS and not linked
    )
    if refused_here:
        assert len(seen) == 1 and seen[0] in WHERE_REFUSALS, f"{where}: {seen}"
        changes = diff(before, after)
        changes.pop("chats", None)
        assert not changes, f"{where}: a refusal changed {changes}"
    else:
        assert not set(seen) & ALL_REFUSALS, f"{where}: refused {seen}"
