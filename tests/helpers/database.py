"""Database fixtures: `db_engine` (migrated SQLite, plus PostgreSQL when TEST_POSTGRES_URL is set)
and `db_session` (a Session whose work is rolled back at the end of the test)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets its own copy (faster than
    running the migrations again)."""
    path = tmp_path_factory.mktemp("db-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()  # the last connection closing folds the WAL back into the file
    return path


@pytest.fixture(params=BACKENDS)
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated database: a new SQLite file, or a new PostgreSQL schema per test."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        upgrade_to_head(engine)  # a no-op on the copy; kept so the fixture says what it gives
        yield engine
        engine.dispose()
        return
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # Every connection of this engine sees only the test's own schema (tables and Alembic's).
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        upgrade_to_head(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    """A Session inside an outer transaction that is rolled back, whatever the test commits."""
    with db_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()
