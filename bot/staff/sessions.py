"""Server-side login sessions: a random token in the cookie, its hash in the database, an
expiry, and the CSRF token every state-changing request must carry. Never commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.staff import StaffAccount, StaffSession


@dataclass(frozen=True)
class StartedSession:
    token: str  # for the cookie only; the database keeps its hash
    record: StaffSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    *,
    session: Session,
    account: StaffAccount,
    now: datetime,
    lifetime: timedelta,
    address: str | None = None,
) -> StartedSession:
    token = secrets.token_urlsafe(32)
    record = StaffSession(
        token_hash=token_hash(token),
        account_id=account.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
        address=(address or "")[:64] or None,
    )
    session.add(record)
    account.last_login_at = now
    session.flush()
    return StartedSession(token, record)


def resolve_session(*, session: Session, token: str, now: datetime) -> StaffSession | None:
    """The live session of `token`: not expired, its account not disabled; else None."""
    if not token or len(token) > 128:
        return None
    record = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).first()
    if record is None or record.expires_at <= now or record.account.disabled:
        return None
    return record


def end_session(*, session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def purge_expired(*, session: Session, now: datetime) -> None:
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
