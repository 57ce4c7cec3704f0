"""Prose plans and criterion groups: tasks keep their paragraph and an assumed-deadline flag;
plans keep their criterion groups ("2.1 Theo dõi thi hành pháp luật").

Revision ID: 0004_prose_hierarchy
Revises: 0003_task_milestones
Create Date: 2026-11-27 12:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_prose_hierarchy"
down_revision: str | None = "0003_task_milestones"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite accepts NOT NULL with a default): a batch
    # rebuild of "tasks" would trip the triggers that guard progress history.
    op.add_column("tasks", sa.Column("source_text", sa.Text(), nullable=True))
    op.add_column(
        "tasks",
        sa.Column("deadline_assumed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "task_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("parent_code", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["fields.id"],
            name=op.f("fk_task_groups_field_id_fields"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_task_groups_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_groups")),
    )
    with op.batch_alter_table("task_groups", schema=None) as batch_op:
        batch_op.create_index("ix_task_groups_plan", ["plan_id", "code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_task_groups_plan")
    op.drop_table("task_groups")
    op.drop_column("tasks", "deadline_assumed")
    op.drop_column("tasks", "source_text")
