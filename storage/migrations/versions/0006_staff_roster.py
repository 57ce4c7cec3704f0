"""Staff roster import: a person's phone, and invitations for people already on record.

Revision ID: 0006_staff_roster
Revises: 0005_report_records
Create Date: 2026-11-27 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_staff_roster"
down_revision: str | None = "0005_report_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_invitations_person_id", ["person_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_invitations_person_id_people", "people", ["person_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_invitations_person_id_people", type_="foreignkey")
        batch_op.drop_index("ix_invitations_person_id")
        batch_op.drop_column("person_id")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("phone")
