"""ORM-level guards that back up the database triggers.

The progress history is the audit trail a chairman relies on; a bug that
edits or deletes an update must fail loudly in development, not quietly
rewrite the past. The first migration adds the same rule as triggers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
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
