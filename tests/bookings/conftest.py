"""Until tests/conftest.py names `tests.helpers.database` in `pytest_plugins`, these tests
import its fixtures here (pytest refuses `pytest_plugins` outside the top-level conftest)."""

from tests.helpers.database import db_engine, db_session, migrated_sqlite_template

__all__ = ["db_engine", "db_session", "migrated_sqlite_template"]
