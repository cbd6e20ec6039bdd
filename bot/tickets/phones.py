"""Reporter phone numbers: validated with Google's libphonenumber, stored in E.164."""

from __future__ import annotations

import phonenumbers

from bot.tickets.errors import InvalidPhone

DEFAULT_REGION = "CN"


def normalize_phone(raw: str | None) -> str | None:
    """`138 1234 5678` / `+86-138…` / `0571-88888888` -> E.164; empty -> None; else InvalidPhone."""
    if raw is None or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("the phone number could not be read") from exc
    if not phonenumbers.is_valid_number(parsed):
        # The message never repeats the number: errors end up in logs.
        raise InvalidPhone("the phone number is not a valid number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def find_phone(text: str) -> str | None:
    """The first valid phone number written somewhere in `text` (E.164), or None."""
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None
