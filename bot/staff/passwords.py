"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.staff.errors import WeakPassword

MIN_LENGTH = 10
MAX_LENGTH = 256  # hashing is deliberately slow; a megabyte "password" must not be


def _hasher() -> PasswordHasher:
    return PasswordHasher()  # cheap to build; the cost is in hashing


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password may have at most {MAX_LENGTH} characters")
    if len(set(password)) < 4:
        raise WeakPassword("the password repeats too few different characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$SUSq9EByxFiImOmhgfaD0Q$8PY0eDZgyGfGbcFgMOJ/ACxatJbiR5HAKI60eKfTw2c"


def dummy_verify(password: str) -> None:
    verify_password(_DUMMY_HASH, password)
