"""Per-person command menus set lazily: which menu catalogue a person's chat shows.

``people.menu_version`` is the digest of the command catalogue (every role's
menu in every language, and the Mini App button) when the person's menus
were last set; NULL means "to set". The bot sets a few per tick instead of
everyone's at start, so existing people start NULL and get theirs once.

Revision ID: 0008_menu_version
Revises: 0007_drafts_table
Create Date: 2026-11-27 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_menu_version"
down_revision: str | None = "0007_drafts_table"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("menu_version", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_people_menu_version", ["menu_version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_menu_version")
        batch_op.drop_column("menu_version")
