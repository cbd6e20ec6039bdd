"""Masking of residents' phone numbers and home addresses in views, API answers and logs."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import sys
from typing import TextIO

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
    """`13812345678` -> `138****5678`; a landline keeps its area code and last four digits
    (`+865536123456` -> `0553-***3456`); anything else keeps its last two."""
    if not phone:
        return ""
    digits = re.sub(r"[^0-9]", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    elif digits.startswith("86") and len(digits) in (11, 12):
        landline = _landline_parts(phone)
        if landline is not None:
            area, number = landline
            return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    if len(digits) >= 11:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def _landline_parts(phone: str) -> tuple[str, str] | None:
    """(area code, subscriber number) of a Chinese landline in E.164. Stdlib only: the engine
    process loads this module too. Area codes are 010 and 02x, else four digits."""
    national = "0" + re.sub(r"[^0-9]", "", phone)[2:]
    size = 3 if national.startswith(("010", "02")) else 4
    area, number = national[:size], national[size:]
    return (area, number) if len(number) >= 7 else None


def mask_phones_in_text(text: str) -> str:
    """Every mobile number inside free text (a description, a log line) masked."""
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


# A landline with its area code (010-12345678, 0755 1234 5678): keep the area code only.
_LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2})[- ]?([0-9]{3,4})[- ]?([0-9]{4})(?![0-9])")
# A household inside free text: the part of an address after the street or compound name.
_HOUSEHOLD_RUN = re.compile(f"(?:{_HOUSEHOLD.pattern})+[0-9]*")


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


# --- logs -----------------------------------------------------------------------------
# This section runs in every process, the engine's too (its launcher loads this file by path:
# the engine environment has no `bot` package), so it uses the standard library only.

# Sender ids "<channel>:<user>" as the bridges make them (the engine logs them in trackers).
_SENDER_ID = re.compile(r"\b(telegram|wechat|terminal|rest|open311):([A-Za-z0-9_\-]{4,128})\b")
# A WeChat openid: "o" and 27 URL-safe characters (28 in all), e.g. oUpF8uMuAJO_M2pxb1Q9zNjWeS6o.
_OPENID = re.compile(r"(?<![A-Za-z0-9_\-])o[A-Za-z0-9_\-]{27}(?![A-Za-z0-9_\-])")
# Telegram chat and user ids where they are named (chat_id=…, "chat_id": …, "id": … of a chat).
_CHAT_ID = re.compile(
    r"""(["']?(?:chat_id|user_id|from_user|sender)["']?\s*[:=]\s*["']?)(-?[0-9]{5,})"""
)
# Query string values (signatures, nonces, openids, tokens): keep the names for debugging.
_QUERY_VALUE = re.compile(r"""([?&][A-Za-z0-9_.\-]+=)[^&\s"'#<>]+""")


def pseudonym(user_id: str) -> str:
    """A stable stand-in for a chat id or openid in logs: lines of one user can be followed
    without the id itself appearing anywhere."""
    return "user#" + hashlib.sha256(user_id.encode()).hexdigest()[:10]


def mask_log_text(text: str) -> str:
    """A log line as it may be stored: no phone number, household address part, openid,
    chat id, sender id or query-string value left in clear."""
    text = _QUERY_VALUE.sub(r"\1…", text)
    text = _SENDER_ID.sub(lambda m: f"{m.group(1)}:{pseudonym(m.group(2))}", text)
    text = _OPENID.sub(lambda m: pseudonym(m.group(0)), text)
    text = _CHAT_ID.sub(lambda m: m.group(1) + pseudonym(m.group(2)), text)
    return mask_personal_text(text)


class LogMaskingFilter(logging.Filter):
    """Masks every record a handler emits, message and traceback (attach it to handlers)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: let logging report it as usual
        masked = mask_log_text(message)
        if masked != message:
            # Freeze the formatted text so handlers cannot re-render the raw arguments.
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            # Exception texts carry SQL parameters and request bodies; formatters reuse exc_text.
            record.exc_text = mask_log_text(self._formatter.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of `logger` (default: root), once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, LogMaskingFilter) for f in handler.filters):
            handler.addFilter(LogMaskingFilter())


class MaskingStream(io.TextIOBase):
    """A text stream that masks whole lines on their way to `raw` (a log file).

    A child process's stdout and stderr are its log file; wrapping them catches what no
    logging filter sees: handlers a library installs later, prints, warnings, tracebacks.
    """

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self._raw = raw
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        cut = max(self._pending.rfind("\n"), self._pending.rfind("\r"))
        if cut >= 0:
            self._raw.write(mask_log_text(self._pending[: cut + 1]))
            self._pending = self._pending[cut + 1 :]
        if len(self._pending) > 1 << 16:  # a progress bar without newlines: do not hoard
            self._raw.write(mask_log_text(self._pending))
            self._pending = ""
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._raw.write(mask_log_text(self._pending))
            self._pending = ""
        self._raw.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._raw.isatty()

    def fileno(self) -> int:
        return self._raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._raw.encoding


def install_process_masking() -> None:
    """For a process whose output is a log file: mask stdout, stderr and every logging
    handler already installed (handlers made later write to the wrapped streams)."""
    if not isinstance(sys.stdout, MaskingStream):
        sys.stdout = MaskingStream(sys.stdout)
    if not isinstance(sys.stderr, MaskingStream):
        sys.stderr = MaskingStream(sys.stderr)
    for handler in logging.getLogger().handlers:
        stream = getattr(handler, "stream", None)
        if isinstance(handler, logging.StreamHandler) and stream in (
            sys.__stdout__,
            sys.__stderr__,
        ):
            handler.setStream(sys.stdout if stream is sys.__stdout__ else sys.stderr)
    install_log_masking()
