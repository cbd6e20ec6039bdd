"""The real app on a migrated database, an API key, and the database fixtures.

Until tests/conftest.py names `tests.helpers.database` in `pytest_plugins`, these tests
import its fixtures here (pytest refuses `pytest_plugins` outside the top-level conftest).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.session import make_session_factory
from bot.web.api_keys import create_api_key
from bot.web.app import create_app
from tests.helpers.database import db_engine, db_session, migrated_sqlite_template
from tests.tickets.builders import NOW

__all__ = ["db_engine", "db_session", "migrated_sqlite_template"]


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def client(settings: Settings, db_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=db_engine)) as test_client:
        yield test_client


@pytest.fixture
def api_key(factory: sessionmaker[Session]) -> str:
    with factory.begin() as session:
        return create_api_key(session=session, name="city-app", now=NOW)
