"""Opening state of a registry site (e.g. the one `find_site_by_name` found)."""

from __future__ import annotations

import datetime as dt

from bot import china_time
from bot.db.sites import Site
from bot.sites.hours import HolidayPolicy
from bot.sites.opening import OpeningState, opening_state
from bot.sites.registry import weekly_hours


def site_status(site: Site, *, at: dt.datetime | None = None) -> OpeningState | None:
    """Whether `site` is open at `at` (default now; naive = Asia/Shanghai); None if hours unknown."""
    hours = weekly_hours(site)
    if hours is None:
        return None
    return opening_state(hours, HolidayPolicy(site.holiday), at or china_time.now())
