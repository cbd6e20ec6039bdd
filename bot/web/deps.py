"""FastAPI dependencies: everything comes from `app.state`, filled by `create_app`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.vocabulary import Vocabulary


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def get_vocabulary(request: Request) -> Vocabulary:
    vocabulary: Vocabulary = request.app.state.vocabulary
    return vocabulary


def read_session(
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> Iterator[Session]:
    """A session for reading; whatever happens, nothing it did is committed."""
    with factory() as session:
        try:
            yield session
        finally:
            session.rollback()


SettingsDep = Annotated[Settings, Depends(get_settings)]
# Writes open their own `with factory.begin():` so the commit happens before the answer is
# sent: a client that gets 201 can read its request back at once.
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]
ReadSessionDep = Annotated[Session, Depends(read_session)]
VocabularyDep = Annotated[Vocabulary, Depends(get_vocabulary)]
