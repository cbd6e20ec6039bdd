"""ORM for handoffs: a resident asked for a person; who holds the conversation, and how it ended."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.columns import UtcDateTime, string_enum


class HandoffState(enum.StrEnum):
    WAITING = "waiting"  # asked for a person; nobody has taken it yet
    HELD = "held"  # a staff member holds the conversation: the assistant is silent
    RELEASED = "released"  # handed back to the assistant
    ESCALATED = "escalated"  # nobody came in time (or the resident asked): now a ticket
    CLOSED = "closed"  # the resident had the conversation deleted


OPEN_STATES = (HandoffState.WAITING, HandoffState.HELD)
_OPEN_SQL = "state IN ('waiting', 'held')"


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        # At most one open handoff per conversation, whatever two processes do at once.
        Index(
            "uq_handoffs_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_handoffs_state_escalate", "state", "escalate_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(32), index=True)  # what staff see
    sender_id: Mapped[str] = mapped_column(String(255))  # the engine's id (internal)
    channel: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))  # where replies are delivered
    state: Mapped[HandoffState] = mapped_column(string_enum(HandoffState, "state"))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)  # the engine is paused for it
    in_staff_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    escalate_at: Mapped[datetime] = mapped_column(UtcDateTime)
    held_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    question: Mapped[str | None] = mapped_column(Text)  # what the resident said when asking
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
