"""Extra sessions: hours staff add to an offer on one day, beyond the site's opening hours.

Revision ID: 0009_booking_extra_sessions
Revises: 0008_booking_grid
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_booking_extra_sessions"
down_revision: str | None = "0008_booking_grid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_extra_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "closes > opens", name=op.f("ck_booking_extra_sessions_opens_before_closes")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["booking_offers.id"],
            name=op.f("fk_booking_extra_sessions_offer_id_booking_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_extra_sessions")),
        sa.UniqueConstraint("offer_id", "day", "opens", name="uq_booking_extra_sessions_offer_day"),
    )


def downgrade() -> None:
    op.drop_table("booking_extra_sessions")
