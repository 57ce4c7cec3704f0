"""What an outbox row says, as typed data, and the one place that knows its wire form.

An outbox row's ``payload`` column is JSON. Planner, dispatcher, the season
job and the chairman's nudge write it; the renderer, the dispatcher and the
reply-to-a-reminder lookup read it. They all go through :func:`encode` and
:func:`decode` here, so the short keys of the stored form (``"k"``, ``"t"``,
``"d"``, ``"p"``) are spelled in this module only.

The wire form is the one version 1 has always written (``"v": 1``): rows
planned before an upgrade -- a commune upgrading mid-day -- decode unchanged,
and what this version writes is still readable by the previous one, so a
rollback loses nothing either. Keys added over time (``unassigned``,
``keeper``, ``from``/``to``, ``lang``, ``task_ids``) are optional on decode.
A kind this version does not know decodes to :class:`UnknownPayload` rather
than failing, so one odd row cannot stop a fan-out.

Storage imports no scheduler: these types are plain data, the scheduler
builds and renders them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.regex import lazy_compile
from storage.models import OutboxMessage

WIRE_VERSION = 1

DIGEST = "digest"
CATCH_UP = "catch_up"
NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class TaskItem:
    """One task in a digest section (``kind`` is an occasion: overdue, deadline_day …)."""

    kind: str
    task_id: int
    offset: int = 0  # days relative to the deadline, as the policy gave them


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One report reminder in a digest (``kind``: report_due or report_summary)."""

    kind: str
    period: str  # the period's code, "2024-H1"
    offset: int = 0
    task_ids: tuple[int, ...] = ()  # the tasks this reader still owes a figure for
    keeper: bool = False  # the plan keeper's own line (pending count of the whole plan)


@dataclass(frozen=True, slots=True)
class DigestPayload:
    """The day's digest for one reader: what to mention, the words chosen at send time."""

    day: date | None = None  # None: the day it is sent (rows this bot wrote always say)
    org_id: int | None = None
    lang: str | None = None
    items: tuple[TaskItem, ...] = ()
    reports: tuple[ReportItem, ...] = ()
    weekly: str | None = None  # the week's subject key ("week:2024-W23") for chairs
    unassigned: tuple[int, ...] = ()  # open tasks no reminder reaches (the plan keeper's)
    task_ids: tuple[int, ...] = ()  # planned; replaced by the buttons actually sent

    kind: ClassVar[str] = DIGEST


@dataclass(frozen=True, slots=True)
class CatchUpPayload(DigestPayload):
    """ "While the bot was away": the digests of the days ``first`` … ``last``, merged."""

    first: date | None = None
    last: date | None = None

    kind: ClassVar[str] = CATCH_UP


@dataclass(frozen=True, slots=True)
class NoticePayload:
    """A plain message: a catalog key and its parameters (unreachable, nudge, season …)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    lang: str | None = None
    task_ids: tuple[int, ...] = ()

    kind: ClassVar[str] = NOTICE


@dataclass(frozen=True, slots=True)
class UnknownPayload:
    """A row of a kind this version cannot render (kept as it was stored)."""

    kind: str
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False)  # less its task_ids
    task_ids: tuple[int, ...] = ()
    lang: str | None = None


Payload = DigestPayload | NoticePayload | UnknownPayload


# --- wire form -------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _ints(values: Any) -> tuple[int, ...]:
    if not isinstance(values, list | tuple):
        return ()
    found: list[int] = []
    for v in values:
        n = _int(v)
        if n is not None:
            found.append(n)
    return tuple(found)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _lang(value: Any) -> str | None:
    return str(value) if value else None


def _digest_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    items = []
    for entry in raw.get("items") or []:
        task = _int(entry.get("t"))
        if task is not None:
            items.append(TaskItem(str(entry.get("k", "")), task, _int(entry.get("d")) or 0))
    reports = [
        ReportItem(
            kind=str(entry.get("k", "")),
            period=str(entry.get("p", "")),
            offset=_int(entry.get("d")) or 0,
            task_ids=_ints(entry.get("t")),
            keeper=bool(entry.get("keeper")),
        )
        for entry in raw.get("reports") or []
    ]
    return {
        "day": _day(raw.get("day")),
        "org_id": _int(raw.get("org_id")),
        "lang": _lang(raw.get("lang")),
        "items": tuple(items),
        "reports": tuple(reports),
        "weekly": str(raw["weekly"]) if raw.get("weekly") else None,
        "unassigned": _ints(raw.get("unassigned")),
        "task_ids": _ints(raw.get("task_ids")),
    }


def decode(raw: Mapping[str, Any] | None, kind: str | None = None) -> Payload:
    """The typed payload of a stored row.

    ``kind`` is the row's ``kind`` column, used when the JSON does not say
    (both always agree in rows this bot wrote). What cannot be read as its
    kind (a notice without a key) decodes to :class:`UnknownPayload`.
    """
    data: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    name = str(data.get("kind") or kind or "")
    try:
        if name == NOTICE:
            params = data.get("params")
            return NoticePayload(
                key=str(data["key"]),
                params=dict(params) if isinstance(params, Mapping) else {},
                lang=_lang(data.get("lang")),
                task_ids=_ints(data.get("task_ids")),
            )
        if name == DIGEST:
            return DigestPayload(**_digest_fields(data))
        if name == CATCH_UP:
            fields = _digest_fields(data)
            return CatchUpPayload(
                **fields,
                first=_day(data.get("from")) or fields["day"],
                last=_day(data.get("to")) or fields["day"],
            )
    except (KeyError, ValueError, TypeError, AttributeError):
        pass
    return UnknownPayload(
        kind=name,
        raw={k: v for k, v in data.items() if k != "task_ids"},
        task_ids=_ints(data.get("task_ids")),
        lang=_lang(data.get("lang")),
    )


def encode(payload: Payload) -> dict[str, Any]:
    """The JSON stored in the row (version 1's form, key for key)."""
    if isinstance(payload, UnknownPayload):
        return {**payload.raw, "task_ids": list(payload.task_ids)}
    if isinstance(payload, NoticePayload):
        data: dict[str, Any] = {
            "v": WIRE_VERSION,
            "kind": NOTICE,
            "key": payload.key,
            "params": dict(payload.params),
        }
        if payload.lang is not None:
            data["lang"] = payload.lang
        data["task_ids"] = list(payload.task_ids)
        return data
    data = {
        "v": WIRE_VERSION,
        "kind": payload.kind,
        "day": payload.day.isoformat() if payload.day else None,
        "org_id": payload.org_id,
        "lang": payload.lang,
        "items": [{"k": i.kind, "t": i.task_id, "d": i.offset} for i in payload.items],
        "reports": [
            {"k": r.kind, "p": r.period, "d": r.offset, "t": list(r.task_ids), "keeper": r.keeper}
            for r in payload.reports
        ],
        "weekly": payload.weekly,
        "unassigned": list(payload.unassigned),
        "task_ids": list(payload.task_ids),
    }
    if isinstance(payload, CatchUpPayload):
        first, last = payload.first or payload.day, payload.last or payload.day
        if first is not None and last is not None:
            data["from"] = first.isoformat()
            data["to"] = last.isoformat()
    return data


def with_task_ids(payload: Payload, task_ids: tuple[int, ...]) -> Payload:
    """The same payload naming the tasks whose buttons were sent (replies find them)."""
    return replace(payload, task_ids=task_ids)


# --- lookups ---------------------------------------------------------------------------

_SUBJECT_TASK_RE = lazy_compile(r"(?:^|:)task:(\d{1,9})$")


@dataclass(frozen=True, slots=True)
class SentMessage:
    """An outbox row behind a message the bot sent (someone replied to it)."""

    id: int
    organization_id: int | None
    person_id: int | None
    subject: str
    payload: Payload

    @property
    def task_ids(self) -> tuple[int, ...]:
        """The tasks the message had buttons for."""
        return self.payload.task_ids

    @property
    def subject_task_id(self) -> int | None:
        """The task a one-task notice is about (its subject ends ``task:<id>``: a nudge)."""
        match = _SUBJECT_TASK_RE.search(self.subject or "")
        return int(match.group(1)) if match is not None else None


async def find_by_message(
    session: AsyncSession, chat_id: int, message_id: int
) -> SentMessage | None:
    """The outbox row that sent ``message_id`` into ``chat_id``, if the outbox sent it."""
    row = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.organization_id,
                OutboxMessage.person_id,
                OutboxMessage.subject,
                OutboxMessage.kind,
                OutboxMessage.payload,
            )
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.message_id == message_id)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    row_id, org_id, person_id, subject, kind, raw = row
    return SentMessage(row_id, org_id, person_id, subject or "", decode(raw, kind))
