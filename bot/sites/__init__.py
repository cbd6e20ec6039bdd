"""Service-site registry: where sites are, what they offer, whether they are open.

The conversation layer calls these; none of them commits (the caller owns the transaction)
and none returns user-facing sentences.
"""

from bot.sites.gazetteer import gazetteer_names, locate_place
from bot.sites.info import SiteInfo, site_info
from bot.sites.lookup import find_site_by_name
from bot.sites.nearest import NearbySite, find_nearest, nearest_any
from bot.sites.opening import OpeningState, opening_state
from bot.sites.services import resolve_service
from bot.sites.status import site_status

__all__ = [
    "NearbySite",
    "OpeningState",
    "SiteInfo",
    "find_nearest",
    "find_site_by_name",
    "gazetteer_names",
    "locate_place",
    "nearest_any",
    "opening_state",
    "resolve_service",
    "site_info",
    "site_status",
]
