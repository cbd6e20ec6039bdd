"""Imports every ORM model module so `Base.metadata` knows all tables (for Alembic)."""

from __future__ import annotations

from bot.db import api_keys, bookings, handoffs, inbound, outbox, sites, staff, tickets  # noqa: F401
