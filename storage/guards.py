"""ORM-level guards that back up the database triggers.

The progress history is the audit trail a chairman relies on; a bug that
edits or deletes an update must fail loudly in development, not quietly
rewrite the past. The first migration adds the same rule as triggers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from storage.models import ProgressUpdate


class AppendOnlyViolation(RuntimeError):
    """Raised when code tries to change or delete a progress update."""


@event.listens_for(Session, "before_flush")
def _refuse_progress_changes(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, ProgressUpdate) and session.is_modified(obj):
            raise AppendOnlyViolation("progress updates are append-only")
    for obj in session.deleted:
        if isinstance(obj, ProgressUpdate):
            raise AppendOnlyViolation("progress updates are append-only")


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


@event.listens_for(Session, "before_flush")
def _drop_nul_characters(session: Session, _ctx: Any, _instances: Any) -> None:
    """PostgreSQL refuses U+0000 in text and JSON; SQLite stores it.

    A NUL typed or pasted by a person (a note, a reason, a draft) must not
    turn into "unexpected error" on one database and be kept on the other, so
    every string about to be written loses its NUL characters, here, once.
    """
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, ProgressUpdate) and obj not in session.new:
            continue  # the append-only guard above refuses it anyway
        for attr in inspect(obj).mapper.column_attrs:
            value = getattr(obj, attr.key, None)
            if value is None or not isinstance(value, str | dict | list):
                continue
            clean = _without_nul(value)
            if clean != value:
                setattr(obj, attr.key, clean)
