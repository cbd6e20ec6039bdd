"""The record's tests use the migrated app database as the tracker store too (as on PostgreSQL
in production); `events` is created there like the engine creates it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations.service import ConversationRecord
from bot.db.session import make_session_factory

SECRET = "test-secret"


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def record(factory: sessionmaker[Session]) -> ConversationRecord:
    return ConversationRecord(tracker_factory=factory, app_factory=factory, secret=SECRET)
