"""The 1341 deadlines across nights, weekends and holidays (Asia/Shanghai, chinese-calendar)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot import china_time
from bot.db.tickets import Severity
from bot.tickets.deadlines import add_duty_time, compute_deadlines


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=china_time.ZONE)


@pytest.mark.parametrize(
    ("severity", "reported", "due"),
    [
        # urgent runs round the clock, across midnight
        (Severity.URGENT, local(2026, 11, 18, 23, 55), local(2026, 11, 19, 0, 5)),
        # ordinary: 30 minutes of duty time (08:00-21:00)
        (Severity.ORDINARY, local(2026, 11, 18, 10, 0), local(2026, 11, 18, 10, 30)),
        (Severity.ORDINARY, local(2026, 11, 18, 20, 50), local(2026, 11, 19, 8, 20)),
        (Severity.ORDINARY, local(2026, 11, 18, 22, 30), local(2026, 11, 19, 8, 30)),
        (Severity.ORDINARY, local(2026, 11, 19, 3, 0), local(2026, 11, 19, 8, 30)),
        # duty time runs on Saturdays too: grid workers cover weekends
        (Severity.ORDINARY, local(2026, 11, 21, 9, 0), local(2026, 11, 21, 9, 30)),
        # complex: 4 hours of duty time, split over the night
        (Severity.COMPLEX, local(2026, 11, 18, 9, 0), local(2026, 11, 18, 13, 0)),
        (Severity.COMPLEX, local(2026, 11, 18, 19, 0), local(2026, 11, 19, 10, 0)),
        # major: a plan by 18:00 on the next working day; the report day does not count
        (Severity.MAJOR, local(2026, 11, 18, 9, 0), local(2026, 11, 19, 18, 0)),
        (Severity.MAJOR, local(2026, 11, 20, 20, 0), local(2026, 11, 23, 18, 0)),  # Fri evening
        (Severity.MAJOR, local(2026, 10, 1, 10, 0), local(2026, 10, 8, 18, 0)),  # National Day
        (Severity.MAJOR, local(2026, 9, 19, 10, 0), local(2026, 9, 20, 18, 0)),  # make-up Sunday
    ],
)
def test_due_time_by_severity(severity: Severity, reported: datetime, due: datetime) -> None:
    assert compute_deadlines(severity, reported).due_at == due


def test_friday_evening_report_is_followed_up_by_next_friday() -> None:
    deadlines = compute_deadlines(Severity.COMPLEX, local(2026, 11, 20, 20, 30))
    # Mon 23, Tue 24, Wed 25, Thu 26, Fri 27: the fifth working day after the report.
    assert deadlines.follow_up_by == local(2026, 11, 27, 18, 0)


def test_national_day_week_does_not_count_but_its_make_up_saturday_does() -> None:
    deadlines = compute_deadlines(Severity.ORDINARY, local(2026, 9, 30, 15, 0))
    # Oct 1-7 are holidays; Thu 8, Fri 9, Sat 10 (调休上班), Mon 12, Tue 13.
    assert deadlines.follow_up_by == local(2026, 10, 13, 18, 0)


def test_report_on_national_day_itself() -> None:
    deadlines = compute_deadlines(Severity.URGENT, local(2026, 10, 1, 9, 0))
    assert deadlines.due_at == local(2026, 10, 1, 9, 10)
    assert deadlines.follow_up_by == local(2026, 10, 13, 18, 0)


def test_deadlines_are_returned_in_utc() -> None:
    deadlines = compute_deadlines(Severity.ORDINARY, local(2026, 11, 18, 10, 0))
    assert deadlines.due_at.utcoffset() == timedelta(0)
    assert deadlines.due_at.hour == 2 and deadlines.due_at.minute == 30


def test_years_without_calendar_data_fall_back_to_weekdays() -> None:
    follow_up = compute_deadlines(Severity.ORDINARY, local(2026, 12, 30, 10, 0)).follow_up_by
    assert follow_up.astimezone(china_time.ZONE).date() >= date(2027, 1, 5)
    assert follow_up.astimezone(china_time.ZONE).weekday() < 5


def test_naive_report_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        compute_deadlines(Severity.URGENT, datetime(2026, 11, 18, 10, 0))


def test_duty_time_spanning_several_days() -> None:
    # Wed 20:00-21:00 (1 h) + Thu 08:00-21:00 (13 h) + Fri 08:00-14:00 (6 h) = 20 h.
    assert add_duty_time(local(2026, 11, 18, 20, 0), timedelta(hours=20)) == local(
        2026, 11, 20, 14, 0
    )
