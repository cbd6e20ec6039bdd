"""argon2 hashing and the password rules."""

from __future__ import annotations

import pytest

from bot.staff.errors import WeakPassword
from bot.staff.passwords import hash_password, verify_password


def test_hash_verifies_only_the_same_password() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password("not a hash", "correct horse battery")
    assert not verify_password(stored, "x" * 10_000)


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaa", "x" * 300])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassword):
        hash_password(weak)
