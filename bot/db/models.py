"""Imports every ORM model module so `Base.metadata` knows all tables (for Alembic)."""

from __future__ import annotations

from bot.db import (  # noqa: F401
    api_keys,
    bookings,
    handoffs,
    inbound,
    nlu_trainer,
    outbox,
    sites,
    staff,
    tickets,
)
