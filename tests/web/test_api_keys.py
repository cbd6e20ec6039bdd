"""API keys: shown once, stored as a hash, checked on every POST."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.api_keys import ApiKey
from bot.web.api_keys import ApiKeyError, create_api_key, revoke_api_key, verify_api_key
from tests.tickets.builders import NOW


def test_only_the_hash_is_stored(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        key = create_api_key(session=session, name="hotline", now=NOW)
    with factory() as session:
        row = session.scalars(select(ApiKey)).one()
        assert key.startswith("jmk_") and len(key) > 40
        assert key not in (row.key_hash, row.name) and len(row.key_hash) == 64
        assert verify_api_key(session=session, key=key) == row
        assert verify_api_key(session=session, key=key + "x") is None
        assert verify_api_key(session=session, key=None) is None


def test_names_are_unique_and_revoked_keys_stop_working(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        key = create_api_key(session=session, name="hotline", now=NOW)
        with pytest.raises(ApiKeyError):
            create_api_key(session=session, name="hotline", now=NOW)
        revoke_api_key(session=session, name="hotline", now=NOW)
        assert verify_api_key(session=session, key=key) is None
        with pytest.raises(ApiKeyError):
            revoke_api_key(session=session, name="nobody", now=NOW)
        with pytest.raises(ApiKeyError):
            create_api_key(session=session, name=" ", now=NOW)
