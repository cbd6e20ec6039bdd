"""Staff accounts: create, find, list, disable, change password. Never commits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.staff import StaffAccount, StaffRole, StaffSession
from bot.staff.errors import AccountExists, AccountNotFound, InvalidAccount
from bot.staff.passwords import hash_password

# Letters (Chinese too), digits and . _ - ; what people can type and logs can show.
_USERNAME = re.compile(r"^[\w.\-]{2,64}$")
GRID_MAX = 64


def normalise_username(text: str) -> str:
    return text.strip().lower()


def valid_username(text: str) -> str:
    name = normalise_username(text)
    if not _USERNAME.fullmatch(name):
        raise InvalidAccount("a user name has 2-64 letters, digits, '.', '_' or '-' (no spaces)")
    return name


def clean_grids(grids: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for grid in grids:
        name = grid.strip()
        if not name:
            continue
        if len(name) > GRID_MAX:
            raise InvalidAccount(f"a grid name has at most {GRID_MAX} characters")
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


def create_account(
    *,
    session: Session,
    username: str,
    password: str,
    role: StaffRole,
    grids: Sequence[str] = (),
    now: datetime,
) -> StaffAccount:
    """A new account; staff must belong to at least one grid (they see only their grids)."""
    name = valid_username(username)
    grid_list = clean_grids(grids)
    if role is StaffRole.STAFF and not grid_list:
        raise InvalidAccount("a staff account needs at least one grid (--grid NAME)")
    if find_account(session=session, username=name) is not None:
        raise AccountExists(f"an account named {name!r} already exists")
    account = StaffAccount(
        username=name,
        password_hash=hash_password(password),
        role=role,
        grids=grid_list,
        disabled=False,
        created_at=now,
        password_changed_at=now,
    )
    session.add(account)
    session.flush()
    return account


def find_account(*, session: Session, username: str) -> StaffAccount | None:
    return session.scalars(
        select(StaffAccount).where(StaffAccount.username == normalise_username(username))
    ).first()


def get_account(*, session: Session, username: str) -> StaffAccount:
    account = find_account(session=session, username=username)
    if account is None:
        raise AccountNotFound(f"no staff account named {username.strip()!r}")
    return account


def list_accounts(*, session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))


def end_sessions(*, session: Session, account: StaffAccount) -> None:
    session.execute(delete(StaffSession).where(StaffSession.account_id == account.id))


def set_disabled(*, session: Session, account: StaffAccount, disabled: bool) -> StaffAccount:
    """A disabled account cannot log in and its open sessions end at once."""
    account.disabled = disabled
    if disabled:
        end_sessions(session=session, account=account)
    return account


def change_password(
    *, session: Session, account: StaffAccount, password: str, now: datetime
) -> StaffAccount:
    """New hash; every session of the account ends (the caller starts a new one if wanted)."""
    account.password_hash = hash_password(password)
    account.password_changed_at = now
    end_sessions(session=session, account=account)
    return account
