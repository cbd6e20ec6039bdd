"""The trainer loop: annotations of inbox messages, trained models and promotions.

Revision ID: 0006_nlu_trainer
Revises: 0005_staff_console
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_nlu_trainer"
down_revision: str | None = "0005_staff_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} IN ({', '.join(repr(v) for v in values)})", name=op.f(f"ck_{table}_{column}")
    )


def upgrade() -> None:
    op.create_table(
        "nlu_annotations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("inbox_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("example", sa.Text(), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("file", sa.String(length=128), nullable=True),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _check("nlu_annotations", "action", ("added", "dismissed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_annotations")),
    )
    op.create_index("ix_nlu_annotations_inbox_id", "nlu_annotations", ["inbox_id"])
    op.create_table(
        "nlu_models",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.String(length=200), nullable=False),
        sa.Column("intent_macro_f1", sa.Float(), nullable=True),
        sa.Column("report_file", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _check("nlu_models", "status", ("training", "evaluating", "ready", "failed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_models")),
    )
    op.create_table(
        "nlu_promotions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("model_id", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _check("nlu_promotions", "action", ("promote", "rollback")),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["nlu_models.id"],
            name=op.f("fk_nlu_promotions_model_id_nlu_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nlu_promotions")),
    )


def downgrade() -> None:
    op.drop_table("nlu_promotions")
    op.drop_table("nlu_models")
    op.drop_index("ix_nlu_annotations_inbox_id", table_name="nlu_annotations")
    op.drop_table("nlu_annotations")
