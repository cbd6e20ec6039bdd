"""Actions run against the test database: `actions.context` is pointed at it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions import context
from bot.db.session import make_session_factory


@pytest.fixture
def factory(db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> sessionmaker[Session]:
    made = make_session_factory(db_engine)
    monkeypatch.setattr(context, "session_factory", lambda: made)
    return made
