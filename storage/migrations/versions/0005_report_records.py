"""Sent reports on record, and each organization's report calendar entries (issue 14).

Revision ID: 0005_report_records
Revises: 0004_prose_hierarchy
Create Date: 2026-11-27 12:12:00.064495
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models


revision: str = "0005_report_records"
down_revision: str | None = "0004_prose_hierarchy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_cycles",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("draft_working_days", sa.SmallInteger(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_report_cycles_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_report_cycles")),
    )
    op.create_table(
        "report_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("period_code", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_report_records_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_report_records_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_records")),
        sa.UniqueConstraint(
            "organization_id",
            "kind",
            "period_code",
            name=op.f("uq_report_records_organization_id_kind_period_code"),
        ),
    )
    with op.batch_alter_table("report_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_records_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_records_organization_id"))

    op.drop_table("report_records")
    op.drop_table("report_cycles")
