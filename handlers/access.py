"""Deny by default: every handler declares who may use it and where.

A handler callback carries an :class:`Access` (attribute ``__access__``) put
there by one of three one-line decorators:

* :func:`handlers.common.require` — a registered person with one of the
  roles; the wrapper refuses everyone else *before* the feature runs, and
  refuses a chat the declaration does not allow (:class:`Where`);
* :func:`open_to` — a handler that strangers may reach on purpose
  (``/start``, ``/trogiup``, plain text that only earns a hint); it states
  why and does its own checks;
* :func:`tracker` — a negative-group handler that records something and
  never answers (chats seen, reachability).

``handlers.register_all`` refuses (raises :class:`UndeclaredAccess`) any
handler whose callback has no declaration, so a new feature cannot be open
by forgetting a decorator, and ``registered_handlers`` lists every handler
with its declaration so the access test walks all of them, including the
ones added later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from storage.models import Role

ACCESS_ATTR = "__access__"


class Where(StrEnum):
    """The chats a handler may answer in (the *where* of deny by default)."""

    PRIVATE = "private"  # only the person's private chat with the bot
    ORG_CHATS = "org_chats"  # private chat, or the organization's linked group (the default)
    ANYWHERE = "anywhere"  # any chat: the handler leaks nothing (or must run in a new group)


class Kind(StrEnum):
    GUARDED = "guarded"  # require(): registered people with the roles only
    OPEN = "open"  # strangers reach it on purpose; it does its own checks
    TRACKER = "tracker"  # records, never answers


@dataclass(frozen=True, slots=True)
class Access:
    kind: Kind
    roles: frozenset[Role]  # GUARDED: who may; empty means any registered person
    where: Where
    why: str = ""

    def allows(self, role: Role | None) -> bool:
        """Does the declaration let a person of ``role`` (None: a stranger) through?"""
        if self.kind is not Kind.GUARDED:
            return True
        return role is not None and (not self.roles or role in self.roles)


class UndeclaredAccess(TypeError):
    """A handler was registered without saying who may use it."""


F = TypeVar("F", bound=Callable[..., Any])


def declare(func: F, access: Access) -> F:
    setattr(func, ACCESS_ATTR, access)
    return func


def open_to(why: str, *, where: Where = Where.ANYWHERE) -> Callable[[F], F]:
    """Mark a handler strangers may reach on purpose; ``why`` says what keeps it safe."""
    if not why.strip():
        raise ValueError("an open handler must say why it is open")

    def decorate(func: F) -> F:
        return declare(func, Access(Kind.OPEN, frozenset(), where, why))

    return decorate


def tracker(why: str) -> Callable[[F], F]:
    """Mark a handler that only records (a negative group) and never answers."""

    def decorate(func: F) -> F:
        return declare(func, Access(Kind.TRACKER, frozenset(), Where.ANYWHERE, why))

    return decorate


def access_of(callback: Any) -> Access | None:
    return getattr(callback, ACCESS_ATTR, None)


def callbacks_of(handler: Any) -> Iterator[tuple[Any, Any]]:
    """(handler, callback) for a handler and, for a conversation, each handler inside."""
    from telegram.ext import ConversationHandler

    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        for state_handlers in handler.states.values():
            inner.extend(state_handlers)
        for child in inner:
            yield from callbacks_of(child)
        return
    yield handler, getattr(handler, "callback", None)


def check_declared(handler: Any, origin: str) -> None:
    """Raise :class:`UndeclaredAccess` unless every callback in ``handler`` is declared."""
    for inner, callback in callbacks_of(handler):
        if access_of(callback) is None:
            name = getattr(callback, "__qualname__", repr(callback))
            raise UndeclaredAccess(
                f"{origin}: {type(inner).__name__} {name} has no access declaration "
                "(decorate it with @require(...), @open_to(why) or @tracker(why))"
            )


def registered_handlers(app: Any) -> list[tuple[int, Any, Access]]:
    """Every (group, handler, declaration) of an Application, conversations unfolded."""
    rows = []
    for group, group_handlers in sorted(app.handlers.items()):
        for handler in group_handlers:
            for inner, callback in callbacks_of(handler):
                access = access_of(callback)
                assert access is not None, f"{callback} slipped past register_all"
                rows.append((group, inner, access))
    return rows
