"""Staff hours: open or not, when staff are back, and a clock that runs only in staff hours."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import china_time
from bot.handoff.staff_hours import parse_staff_hours

HOURS = parse_staff_hours("周一至周五 08:30-12:00,13:30-17:30")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=china_time.ZONE)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        (local(2026, 12, 1, 9, 0), True),  # Tuesday morning
        (local(2026, 12, 1, 12, 30), False),  # lunch break
        (local(2026, 12, 1, 18, 0), False),
        (local(2026, 12, 5, 10, 0), False),  # Saturday
        (local(2026, 10, 1, 10, 0), False),  # National Day, a Thursday
        (local(2026, 10, 10, 10, 0), True),  # 调休: Saturday 10 October 2026 is a working day
    ],
)
def test_open_now(moment: datetime, open_now: bool) -> None:
    assert HOURS.is_open(moment) is open_now


def test_back_on_monday_after_a_friday_evening() -> None:
    assert HOURS.next_open(local(2026, 12, 4, 18, 0)) == local(2026, 12, 7, 8, 30)
    assert HOURS.next_open(local(2026, 12, 1, 9, 0)) is None


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (local(2026, 12, 1, 9, 0), 10, local(2026, 12, 1, 9, 10)),
        (local(2026, 12, 1, 11, 55), 10, local(2026, 12, 1, 13, 35)),  # over lunch
        (local(2026, 12, 4, 17, 25), 10, local(2026, 12, 7, 8, 35)),  # over the weekend
        (local(2026, 12, 5, 22, 0), 10, local(2026, 12, 7, 8, 40)),  # asked on Saturday night
    ],
)
def test_clock_runs_in_staff_hours_only(start: datetime, minutes: float, due: datetime) -> None:
    assert HOURS.add(start, minutes) == due
