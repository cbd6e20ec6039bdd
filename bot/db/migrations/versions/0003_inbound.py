"""Inbound messages of the Telegram and WeChat bridges (dedupe + engine-down queue) and the
numbered reply choices of channels without buttons.

Revision ID: 0003_inbound
Revises: 0002_tickets
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_inbound"
down_revision: str | None = "0002_tickets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INBOUND_STATUSES = ("processing", "queued", "answered", "expired")


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("message_key", sa.String(length=160), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in INBOUND_STATUSES)})",
            name=op.f("ck_inbound_messages_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("channel", "message_key", name="uq_inbound_messages_channel_key"),
    )
    op.create_index("ix_inbound_messages_due", "inbound_messages", ["status", "next_attempt_at"])
    op.create_index("ix_inbound_messages_user", "inbound_messages", ["channel", "user_id", "id"])

    op.create_table(
        "channel_choices",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "user_id", name=op.f("pk_channel_choices")),
    )


def downgrade() -> None:
    op.drop_table("channel_choices")
    op.drop_index("ix_inbound_messages_user", table_name="inbound_messages")
    op.drop_index("ix_inbound_messages_due", table_name="inbound_messages")
    op.drop_table("inbound_messages")
