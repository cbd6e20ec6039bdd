"""Actions about service sites: nearest site, opening hours, services offered."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import context
from bot import china_time
from bot.db.sites import Site
from bot.sites.coords import valid_point
from bot.sites.gazetteer import locate_place
from bot.sites.hours import format_hours
from bot.sites.lookup import find_site_by_name
from bot.sites.nearest import NearbySite, nearest_any
from bot.sites.registry import weekly_hours
from bot.sites.status import site_status
from bot.templates import phrases as wording

Events = list[dict[str, Any]]
REQUEST_LOCATION = {"request_location": True}  # bridges show a "share location" button
FORGET_SHARED_POINT = [SlotSet("latitude", None), SlotSet("longitude", None)]


def latest_entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)


def canonical_service(tracker: Tracker) -> str | None:
    """The service named in this message or earlier in this request (slot), canonicalised."""
    phrase = latest_entity(tracker, "service") or tracker.get_slot("service")
    return context.vocabulary().canonical_service(phrase) if phrase else None


def shared_point(tracker: Tracker) -> tuple[float, float] | None:
    """The last shared location, if it is a point on Earth."""
    return valid_point(tracker.get_slot("latitude"), tracker.get_slot("longitude"))


def shared_point_is_invalid(tracker: Tracker) -> bool:
    """A location was shared but is no place (NaN, 999 …): say so instead of searching."""
    lat, lon = tracker.get_slot("latitude"), tracker.get_slot("longitude")
    return (lat is not None or lon is not None) and valid_point(lat, lon) is None


def site_card(dispatcher: CollectingDispatcher, item: NearbySite, now: Any) -> None:
    site = item.site
    dispatcher.utter_message(
        response="utter_site_card",
        name=site.name,
        distance=wording.distance_text(item.distance_m),
        walk_minutes=item.walk_minutes,
        status=wording.status_text(wording.nearby_status(item), now),
        services=wording.joined(item.services[:6]) or "暂无登记",
        address=site.address,
        phone=site.phone or "暂无",
        map_link=wording.map_link(site.name, site.lat, site.lon),
    )


class ActionFindStation(Action):
    def name(self) -> str:
        return "action_find_station"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        service = canonical_service(tracker)
        place = latest_entity(tracker, "place") or latest_entity(tracker, "community")
        with context.transaction() as session:
            point = locate_place(session=session, name=place) if place else None
            if place and point is None:
                dispatcher.utter_message(response="utter_place_unknown", place=place)
                dispatcher.utter_message(json_message=REQUEST_LOCATION)
                return [SlotSet("service", service)]
            if point is None and shared_point_is_invalid(tracker):
                dispatcher.utter_message(response="utter_location_invalid")
                return [SlotSet("service", service), *FORGET_SHARED_POINT]
            point = point or shared_point(tracker)
            if point is None:
                ask = "utter_ask_location_for_service" if service else "utter_ask_location"
                dispatcher.utter_message(response=ask, service=service)
                dispatcher.utter_message(json_message=REQUEST_LOCATION)
                return [SlotSet("service", service)]
            return self._answer(dispatcher, session, point, service)

    def _answer(
        self,
        dispatcher: CollectingDispatcher,
        session: Session,
        point: tuple[float, float],
        service: str | None,
    ) -> Events:
        now = china_time.now()
        found = nearest_any(
            session=session, lat=point[0], lon=point[1], service=service, at=now, limit=3
        )
        within = [item for item in found if item.within_reach]
        what = service or "社区服务"
        if not found:
            dispatcher.utter_message(response="utter_no_site_found", service=what)
            return [SlotSet("service", None)]
        if within:
            dispatcher.utter_message(response="utter_sites_found", count=len(within), service=what)
            shown = within
        else:
            dispatcher.utter_message(response="utter_none_within_reach", service=what)
            shown = found[:1]
        for item in shown:
            site_card(dispatcher, item, now)
        return [SlotSet("service", None), SlotSet("last_site_id", str(shown[0].site.id))]


def resolve_site(tracker: Tracker, session: Session) -> Site | None:
    """The site a question is about: named in this message, else the last one discussed."""
    text = tracker.latest_message.get("text") or ""
    named = [latest_entity(tracker, "place"), latest_entity(tracker, "community")]
    if any(named):
        site = find_site_by_name(session=session, text=text)
        if site is not None:
            return site
    last = tracker.get_slot("last_site_id")
    if last and str(last).isdigit():
        return session.get(Site, int(last))
    return None


class ActionOpeningHours(Action):
    def name(self) -> str:
        return "action_opening_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        with context.transaction() as session:
            site = resolve_site(tracker, session)
            if site is None:
                dispatcher.utter_message(response="utter_ask_which_site")
                return []
            now = china_time.now()
            hours = weekly_hours(site)
            dispatcher.utter_message(
                response="utter_site_hours",
                name=site.name,
                status=wording.status_text(site_status(site, at=now), now),
                hours=format_hours(hours) if hours else "暂未登记",
                holiday=wording.holiday_text(site.holiday),
                phone=site.phone or "暂无",
            )
            return [SlotSet("last_site_id", str(site.id))]


class ActionSiteServices(Action):
    def name(self) -> str:
        return "action_site_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        asked = canonical_service(tracker) if latest_entity(tracker, "service") else None
        with context.transaction() as session:
            site = resolve_site(tracker, session)
            if site is None:
                dispatcher.utter_message(response="utter_ask_which_site")
                return [SlotSet("service", asked)]
            offered = [service.name for service in site.services]
            if asked is None:
                dispatcher.utter_message(
                    response="utter_site_services",
                    name=site.name,
                    services=wording.joined(offered) or "暂无登记",
                )
            elif asked in offered:
                dispatcher.utter_message(
                    response="utter_site_has_service", name=site.name, service=asked
                )
            else:
                dispatcher.utter_message(
                    response="utter_site_lacks_service", name=site.name, service=asked
                )
            return [SlotSet("last_site_id", str(site.id)), SlotSet("service", None)]
