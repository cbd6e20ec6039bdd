"""Reading a change of time ("把明天那个改到周六上午", "YY000001改到后天下午三点"): which booking
the words point at, and the wished new time; and which free slot the move goes to."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import china_time
from bot.bookings.dates import Grain, When, parse_when
from bot.bookings.errors import DateNotUnderstood
from bot.bookings.slots import SlotView

# What separates the booking meant from the new time; the new time follows it.
_MOVE = re.compile(r"(?:改|换|挪|调|推|延|提前|推迟|延后|调整|更改|变)(?:到|成|为|在)")
_LATEST = ("最近", "下一个", "最早")


@dataclass(frozen=True)
class ChangeRequest:
    which: str  # the words naming the booking ("明天那个"), may be empty
    when: When | None  # the new time, None when the text gives none


def read_change(text: str, now: dt.datetime) -> ChangeRequest:
    """Split the message at "改到" (and its kin): before it the booking, after it the time."""
    match = _MOVE.search(text)
    which, wish = (text[: match.start()], text[match.end() :]) if match else ("", text)
    try:
        when: When | None = parse_when(wish, now=now) if wish.strip() else None
    except DateNotUnderstood:
        when = None
    return ChangeRequest(which=which, when=when)


def points_at_latest(words: str) -> bool:
    return any(word in words for word in _LATEST)


def day_meant(words: str, now: dt.datetime) -> When | None:
    """The day or time the words name ("明天那个"), or None."""
    try:
        return parse_when(words, now=now) if words.strip() else None
    except DateNotUnderstood:
        return None


def pick_slot(free: tuple[SlotView, ...], when: When, old_start: dt.datetime) -> SlotView | None:
    """The slot to move to: for a whole day or half-day the one at the booking's old clock time
    if free, else the first free one; for an hour or a minute the first free one from it."""
    old = china_time.to_china(old_start)
    candidates = [s for s in free if s.start != old]
    if not candidates:
        return None
    if when.grain in (Grain.DAY, Grain.HALFDAY):
        same_time = [s for s in candidates if s.start.time() == old.time()]
        return (same_time or candidates)[0]
    return candidates[0]
