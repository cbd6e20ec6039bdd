"""ORM for what residents send through the bridges: the inbound queue and reply choices.

One row per platform message serves two jobs: its unique (channel, message_key) makes a
redelivered update a no-op (also after a restart), and its status keeps a message the engine
could not take, so the retry loop answers it later. The text is cleared once answered.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.columns import UtcDateTime, string_enum


class InboundStatus(enum.StrEnum):
    PROCESSING = "processing"  # with the engine now; `next_attempt_at` is the lease
    QUEUED = "queued"  # the engine was down; the retry loop sends it again
    ANSWERED = "answered"
    EXPIRED = "expired"  # queued for too long to be worth answering


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_key", name="uq_inbound_messages_channel_key"),
        Index("ix_inbound_messages_due", "status", "next_attempt_at"),
        Index("ix_inbound_messages_user", "channel", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    # Telegram update_id, WeChat MsgId, or FromUserName+CreateTime for WeChat events.
    message_key: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[InboundStatus] = mapped_column(string_enum(InboundStatus, "status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ChannelChoices(Base):
    """The buttons last shown to a user of a channel without buttons (WeChat renders them as a
    numbered list), so a reply "2" means the second payload; shared by every process."""

    __tablename__ = "channel_choices"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
