"""The login throttle: too many failures for one account, or from one address, within the
window lock further tries out until the window has passed. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.config import Settings
from bot.db.staff import LoginAttempt

ADDRESS_FACTOR = 4  # one office's NAT hides many staff: an address gets more tries


@dataclass(frozen=True)
class ThrottleLimits:
    failures_per_account: int
    failures_per_address: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottleLimits:
        return cls(
            failures_per_account=settings.console_login_failures,
            failures_per_address=settings.console_login_failures * ADDRESS_FACTOR,
            window=timedelta(minutes=settings.console_lockout_minutes),
        )


def is_locked(
    *, session: Session, username: str, address: str, now: datetime, limits: ThrottleLimits
) -> bool:
    since = now - limits.window

    def failures(column: InstrumentedAttribute[str], value: str) -> int:
        query = select(func.count()).where(
            LoginAttempt.succeeded.is_(False), LoginAttempt.at > since, column == value
        )
        return int(session.scalar(query) or 0)

    return (
        failures(LoginAttempt.username, username) >= limits.failures_per_account
        or failures(LoginAttempt.address, address) >= limits.failures_per_address
    )


def record_attempt(
    *, session: Session, username: str, address: str, now: datetime, succeeded: bool
) -> None:
    session.add(
        LoginAttempt(username=username[:64], address=address[:64], at=now, succeeded=succeeded)
    )
    if succeeded:
        # A good login clears the account's count (not the address's: that one is shared).
        session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.username == username[:64], LoginAttempt.succeeded.is_(False)
            )
        )


def purge_old(*, session: Session, now: datetime, keep: timedelta) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - keep))
