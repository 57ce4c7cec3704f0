"""PAR INDEX desk: criteria sets, scorecards, scores, task↔criterion links, evidence.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:58:51.950382
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "par_criteria_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_par_criteria_sets_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_criteria_sets")),
        sa.UniqueConstraint(
            "organization_id", "year", name=op.f("uq_par_criteria_sets_organization_id_year")
        ),
    )
    op.create_table(
        "par_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("survey", sa.Boolean(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("max_milli", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "level IN ('field', 'criterion', 'sub')", name=op.f("ck_par_criteria_level_known")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["par_criteria.id"],
            name=op.f("fk_par_criteria_parent_id_par_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["par_criteria_sets.id"],
            name=op.f("fk_par_criteria_set_id_par_criteria_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_criteria")),
    )
    with op.batch_alter_table("par_criteria", schema=None) as batch_op:
        batch_op.create_index("ix_par_criteria_set_code", ["set_id", "code"], unique=False)

    op.create_table(
        "par_scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("total_milli", sa.Integer(), nullable=True),
        sa.Column("max_total_milli", sa.Integer(), nullable=True),
        sa.Column("rating", sa.String(length=64), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("rank_of", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("imported_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by"],
            ["people.id"],
            name=op.f("fk_par_scorecards_imported_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["par_criteria_sets.id"],
            name=op.f("fk_par_scorecards_set_id_par_criteria_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_scorecards")),
        sa.UniqueConstraint("set_id", name=op.f("uq_par_scorecards_set_id")),
    )
    op.create_table(
        "par_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("self_milli", sa.Integer(), nullable=True),
        sa.Column("appraised_milli", sa.Integer(), nullable=True),
        sa.Column("lost_milli", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["par_criteria.id"],
            name=op.f("fk_par_scores_criterion_id_par_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["par_scorecards.id"],
            name=op.f("fk_par_scores_scorecard_id_par_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_scores")),
        sa.UniqueConstraint(
            "scorecard_id", "criterion_id", name=op.f("uq_par_scores_scorecard_id_criterion_id")
        ),
    )
    with op.batch_alter_table("par_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_par_scores_criterion_id"), ["criterion_id"], unique=False
        )

    op.create_table(
        "par_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=True),
        sa.Column("file_unique_id", sa.String(length=255), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("mime_type", sa.String(length=128), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_par_evidence_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_par_evidence_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_par_evidence_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_evidence")),
    )
    with op.batch_alter_table("par_evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_par_evidence_org_year_code", ["organization_id", "year", "code"], unique=False
        )

    op.create_table(
        "par_task_criteria",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("criterion_code", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_par_task_criteria_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "criterion_code", name=op.f("pk_par_task_criteria")),
    )
    with op.batch_alter_table("par_task_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_par_task_criteria_criterion_code"), ["criterion_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("par_task_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_par_task_criteria_criterion_code"))

    op.drop_table("par_task_criteria")
    with op.batch_alter_table("par_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_par_evidence_org_year_code")

    op.drop_table("par_evidence")
    with op.batch_alter_table("par_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_par_scores_criterion_id"))

    op.drop_table("par_scores")
    op.drop_table("par_scorecards")
    with op.batch_alter_table("par_criteria", schema=None) as batch_op:
        batch_op.drop_index("ix_par_criteria_set_code")

    op.drop_table("par_criteria")
    op.drop_table("par_criteria_sets")
