"""Drafts get their own table; the ones kept as audit-log lines are copied over.

A reading waiting for "Đúng", an evidence wait and a pending plan upload were
audit-log lines (``draft.progress``, ``evidence.wait``, ``draft.plan_upload``),
their outcome another line (``draft.resolved``) and a plan upload's choices
more lines (``draft.step``). They are copied into ``drafts`` and
``draft_steps`` keeping each draft's id, because the buttons already sent
carry it: a commune upgrading with a draft waiting for "Xác nhận" can still
press it, and a press on one already resolved is still told so. The audit
lines stay where they are: the log is history and is only ever appended to.

Revision ID: 0007_drafts_table
Revises: 0006_staff_roster
Create Date: 2026-11-27 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007_drafts_table"
down_revision: str | None = "0006_staff_roster"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DRAFT_KINDS = ("draft.progress", "evidence.wait", "draft.plan_upload")
RESOLVED = "draft.resolved"
STEP = "draft.step"
CHUNK = 500

# The columns as stored, not the models: a migration must not change with them.
_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity_id", sa.BigInteger),
    sa.column("details", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_people = sa.table("people", sa.column("id", sa.Integer))
_organizations = sa.table("organizations", sa.column("id", sa.Integer))


def _create_tables() -> tuple[sa.Table, sa.Table]:
    drafts = op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("outcome_details", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_drafts_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_drafts_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index("ix_drafts_person_kind", "drafts", ["person_id", "kind"], unique=False)
    steps = op.create_table(
        "draft_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_steps_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_steps")),
    )
    op.create_index(op.f("ix_draft_steps_draft_id"), "draft_steps", ["draft_id"], unique=False)
    assert drafts is not None and steps is not None
    return drafts, steps


def _lines(bind: sa.Connection, *actions: str) -> list[Any]:
    return list(
        bind.execute(
            sa.select(_audit).where(_audit.c.action.in_(actions)).order_by(_audit.c.id)
        ).all()
    )


def _insert(bind: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        bind.execute(table.insert(), rows[start : start + CHUNK])


def _copy_drafts(drafts: sa.Table, steps: sa.Table) -> None:
    bind = op.get_bind()
    people = set(bind.scalars(sa.select(_people.c.id)))
    organizations = set(bind.scalars(sa.select(_organizations.c.id)))
    outcomes: dict[int, Any] = {}
    for line in _lines(bind, RESOLVED):
        if line.entity_id is not None:
            outcomes.setdefault(int(line.entity_id), line)  # the first outcome is the one
    copied: list[dict[str, Any]] = []
    for line in _lines(bind, *DRAFT_KINDS):
        # A draft whose person or commune is gone (SET NULL) can never be answered.
        if line.person_id not in people or line.organization_id not in organizations:
            continue
        details = line.details if isinstance(line.details, dict) else {}
        outcome = outcomes.get(line.id)
        resolution = dict(outcome.details or {}) if outcome is not None else {}
        copied.append(
            {
                "id": line.id,
                "organization_id": line.organization_id,
                "person_id": line.person_id,
                "kind": line.action,
                "task_id": line.entity_id,
                "candidates": [int(c) for c in details.get("candidates") or []],
                "data": dict(details.get("data") or {}),
                "created_at": line.created_at,
                "resolved_at": outcome.created_at if outcome is not None else None,
                "outcome": str(resolution.pop("outcome", "resolved"))[:32]
                if outcome is not None
                else None,
                "outcome_details": resolution or None,
            }
        )
    _insert(bind, drafts, copied)
    kept = {row["id"] for row in copied}
    _insert(
        bind,
        steps,
        [
            {
                "draft_id": int(line.entity_id),
                "data": dict(line.details or {}),
                "created_at": line.created_at,
            }
            for line in _lines(bind, STEP)
            if line.entity_id is not None and int(line.entity_id) in kept
        ],
    )
    if copied and bind.dialect.name == "postgresql":
        # Explicit ids leave the serial behind; the next draft must not reuse one.
        bind.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('drafts', 'id'), :top)"),
            {"top": max(kept)},
        )


def upgrade() -> None:
    drafts, steps = _create_tables()
    _copy_drafts(drafts, steps)


def downgrade() -> None:
    # Drafts made after the upgrade are dropped: an officer re-sends the reply.
    op.drop_index(op.f("ix_draft_steps_draft_id"), table_name="draft_steps")
    op.drop_table("draft_steps")
    op.drop_index("ix_drafts_person_kind", table_name="drafts")
    op.drop_table("drafts")
