"""Imports every ORM model module so `Base.metadata` knows all tables (for Alembic)."""

from __future__ import annotations

from bot.db import api_keys, handoffs, inbound, nlu_trainer, outbox, sites, tickets  # noqa: F401
