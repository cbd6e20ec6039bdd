"""What actions share: settings, the database session and the vocabulary, built on first use.

The action server imports every module in `actions/` at start-up; nothing here may connect
to a database or read files at import time, so these are created lazily and cached.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.vocabulary import Vocabulary, load_vocabulary


@cache
def settings() -> Settings:
    return load_settings()


@cache
def session_factory() -> sessionmaker[Session]:
    engine = make_engine(settings().effective_database_url)
    upgrade_to_head(engine)
    return make_session_factory(engine)


@cache
def vocabulary() -> Vocabulary:
    return load_vocabulary(settings().vocabulary_file)


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: committed when the block ends normally, rolled back otherwise."""
    with session_factory().begin() as session:
        yield session
