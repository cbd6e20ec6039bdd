"""API keys of Open311 clients: shown once at creation, stored only as a SHA-256 hash.

The keys are 256-bit random tokens, so a fast unsalted hash is enough (nothing to brute
force) and lets a request find its key by an indexed lookup; argon2 is for weak passwords.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.api_keys import ApiKey
from bot.errors import JiamenkouError

KEY_PREFIX = "jmk_"


class ApiKeyError(JiamenkouError):
    exit_code = 30
    default_message = "the API key operation failed"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(*, session: Session, name: str, now: datetime) -> str:
    """A new key for client `name`; the caller shows it once, only its hash is kept."""
    name = name.strip()
    if not name or len(name) > 64:
        raise ApiKeyError("an API key name is 1-64 characters")
    if session.scalars(select(ApiKey).where(ApiKey.name == name)).first() is not None:
        raise ApiKeyError(f"an API key named '{name}' exists already")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, key_hash=hash_key(key), created_at=now))
    return key


def verify_api_key(*, session: Session, key: str | None) -> ApiKey | None:
    """The active key record for `key`, or None."""
    if not key:
        return None
    found = session.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(key.strip()))).first()
    if found is None or found.revoked_at is not None:
        return None
    return found


def revoke_api_key(*, session: Session, name: str, now: datetime) -> None:
    found = session.scalars(select(ApiKey).where(ApiKey.name == name)).first()
    if found is None:
        raise ApiKeyError(f"no API key named '{name}'")
    found.revoked_at = now
