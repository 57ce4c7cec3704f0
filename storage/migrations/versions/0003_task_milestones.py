"""Tasks keep every milestone of their deadline ("Tháng 6 và tháng 12").

Revision ID: 0003_task_milestones
Revises: 0002
Create Date: 2026-11-27 12:10:00

Recurring tasks that already carry a dated milestone (``due_date`` set, e.g.
"Thường xuyên; báo cáo trước 10/12") get it written as their one milestone,
so they are read by the same rule as newly imported ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_task_milestones"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("milestones", sa.JSON(none_as_null=True), nullable=True))
    tasks = sa.table(
        "tasks",
        sa.column("id", sa.Integer),
        sa.column("deadline_kind", sa.String),
        sa.column("due_date", sa.Date),
        sa.column("milestones", sa.JSON(none_as_null=True)),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(tasks.c.id, tasks.c.due_date).where(
            tasks.c.deadline_kind == "recurring", tasks.c.due_date.is_not(None)
        )
    ).all()
    for task_id, due in rows:
        opens = due.replace(day=1)
        bind.execute(
            tasks.update()
            .where(tasks.c.id == task_id)
            .values(milestones=[{"due": due.isoformat(), "opens": opens.isoformat()}])
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("milestones")
