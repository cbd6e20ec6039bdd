"""Bookings remember the grid that serves a home-service address (上门), as tickets do.

Revision ID: 0008_booking_grid
Revises: 0007_bookings
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_booking_grid"
down_revision: str | None = "0007_bookings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("grid", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("grid")
