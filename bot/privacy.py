"""Masking of residents' phone numbers and home addresses in views, API answers and logs."""

from __future__ import annotations

import logging
import re

# A mainland mobile number (1[3-9] + 9 digits), optionally written with +86/86, spaces or
# dashes (138-1234-5678), and not glued to other digits (so ticket or order numbers survive).
_MOBILE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])"
)
# The part of a Chinese address that locates one household: building, unit, floor, room.
_HOUSEHOLD = re.compile(
    r"[0-9０-９一二三四五六七八九十百零〇甲乙丙丁A-Za-z\-#]+"
    r"(?:号楼|幢|栋|座|号院|单元|层|楼|室|户|号)"
)


def mask_phone(phone: str | None) -> str:
    """`13812345678` -> `138****5678`; anything that is not a mobile number keeps 3+4 hidden."""
    if not phone:
        return ""
    digits = re.sub(r"[^0-9]", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) >= 11:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_phones_in_text(text: str) -> str:
    """Every mobile number inside free text (a description, a log line) masked."""
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


# A landline with its area code (010-12345678, 0755 1234 5678): keep the area code only.
_LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2})[- ]?([0-9]{3,4})[- ]?([0-9]{4})(?![0-9])")
# A household inside free text: the part of an address after the street or compound name.
_HOUSEHOLD_RUN = re.compile(
    r"(?:[0-9０-９一二三四五六七八九十百零〇甲乙丙丁A-Za-z\-#]+"
    r"(?:号楼|幢|栋|座|号院|单元|层|楼|室|户|号))+[0-9]*"
)


def mask_personal_text(text: str) -> str:
    """Free text as staff may see it in a listing: mobiles and landlines masked, and the
    building/unit/room part of any address replaced by ** (幸福里小区3栋501 -> 幸福里小区**)."""
    masked = mask_phones_in_text(text)
    masked = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)[-2:]}", masked)
    return _HOUSEHOLD_RUN.sub("**", masked)


def mask_address(address: str | None) -> str:
    """Keep the street or compound, hide building/unit/room: 幸福里小区3栋501 -> 幸福里小区**."""
    if not address:
        return ""
    match = _HOUSEHOLD.search(address)
    if match is None:
        return address
    return address[: match.start()].rstrip(" ,，") + "**"


class PhoneMaskingFilter(logging.Filter):
    """Masks mobile numbers in every record it sees (attach it to the root handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: let logging report it as usual
        masked = mask_phones_in_text(message)
        if masked != message:
            # Freeze the formatted text so handlers cannot re-render the raw arguments.
            record.msg = masked
            record.args = None
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of `logger` (default: root), once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, PhoneMaskingFilter) for f in handler.filters):
            handler.addFilter(PhoneMaskingFilter())
