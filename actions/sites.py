"""Actions about service sites: nearest site, opening hours, services offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import context
from actions.bookings import ActionFairInfo, bookable
from actions.hours_replies import say_hours_answer
from bot import china_time
from bot.bookings import fair
from bot.db.sites import Site
from bot.sites.coords import valid_point
from bot.sites.gazetteer import locate_place
from bot.sites.hours import HolidayPolicy, format_hours
from bot.sites.hours_questions import Reply, answer_hours_question, parse_hours_question
from bot.sites.lookup import find_site_by_name, named_site
from bot.sites.nearest import NearbySite, nearest_any, nearest_offering
from bot.sites.registry import weekly_hours
from bot.sites.status import site_status
from bot.templates import phrases as wording
from bot.templates import site_phrases

Events = list[dict[str, Any]]
REQUEST_LOCATION = {"request_location": True}  # bridges show a "share location" button
FORGET_SHARED_POINT = [SlotSet("latitude", None), SlotSet("longitude", None)]


def latest_entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)


def canonical_service(tracker: Tracker) -> str | None:
    """The service named in this message or earlier in this request (slot), canonicalised."""
    phrase = latest_entity(tracker, "service") or tracker.get_slot("service")
    return context.vocabulary().canonical_service(phrase) if phrase else None


def wanted_services(tracker: Tracker) -> list[str]:
    """Every service named in this message ("能喝水又能充电"), else those of this request kept
    while the location was asked for (slots), canonical and without repeats."""
    vocabulary = context.vocabulary()
    phrases = list(tracker.get_latest_entity_values("service"))
    if not phrases:
        phrases = list(tracker.get_slot("services") or []) or [tracker.get_slot("service")]
    names = (vocabulary.canonical_service(str(p)) for p in phrases if p)
    return list(dict.fromkeys(name for name in names if name))


def remember(services: list[str]) -> Events:
    """Slots that keep the request's services until the location arrives (or forget them)."""
    return [SlotSet("service", services[0] if services else None),
            SlotSet("services", services or None)]  # fmt: skip


def shared_point(tracker: Tracker) -> tuple[float, float] | None:
    """The last shared location, if it is a point on Earth."""
    return valid_point(tracker.get_slot("latitude"), tracker.get_slot("longitude"))


def shared_point_is_invalid(tracker: Tracker) -> bool:
    """A location was shared but is no place (NaN, 999 …): say so instead of searching."""
    lat, lon = tracker.get_slot("latitude"), tracker.get_slot("longitude")
    return (lat is not None or lon is not None) and valid_point(lat, lon) is None


def site_card(dispatcher: CollectingDispatcher, item: NearbySite, now: Any) -> None:
    site = item.site
    # item.services: what matched the question, or everything the site offers.
    dispatcher.utter_message(
        response="utter_site_card",
        name=site.name,
        distance=wording.distance_text(item.distance_m),
        walk_minutes=item.walk_minutes,
        status=wording.status_text(wording.nearby_status(item), now),
        services=wording.joined(item.services[:6]) or wording.NOT_REGISTERED,
        address=site.address,
        phone=site.phone or wording.NO_PHONE,
        map_link=wording.map_link(site.name, site.lat, site.lon),
    )


def named_site_card(dispatcher: CollectingDispatcher, site: Site) -> None:
    now = china_time.now()
    hours = weekly_hours(site)
    dispatcher.utter_message(
        response="utter_named_site",
        name=site.name,
        address=site.address,
        status=wording.status_text(site_status(site, at=now), now),
        hours=format_hours(hours) if hours else wording.HOURS_NOT_REGISTERED,
        holiday=wording.holiday_text(site.holiday),
        phone=site.phone or wording.NO_PHONE,
        map_link=wording.map_link(site.name, site.lat, site.lon),
    )


class ActionFindStation(Action):
    def name(self) -> str:
        return "action_find_station"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        services = wanted_services(tracker)
        place = latest_entity(tracker, "place") or latest_entity(tracker, "community")
        offering = site_phrases.offering(context.vocabulary(), services)
        with context.transaction() as session:
            # "XX社区党群服务中心在哪": that site itself, not the sites nearest to it.
            named = named_site(session=session, text=tracker.latest_message.get("text") or "")
            if named is not None:
                named_site_card(dispatcher, named)
                return [*remember([]), SlotSet("last_site_id", str(named.id))]
            point = locate_place(session=session, name=place) if place else None
            if place and point is None:
                dispatcher.utter_message(response="utter_place_unknown", place=place)
                dispatcher.utter_message(json_message=REQUEST_LOCATION)
                return remember(services)
            if point is None and shared_point_is_invalid(tracker):
                dispatcher.utter_message(response="utter_location_invalid")
                return [*remember(services), *FORGET_SHARED_POINT]
            point = point or shared_point(tracker)
            if point is None:
                ask = "utter_ask_location_for_service" if services else "utter_ask_location"
                dispatcher.utter_message(response=ask, offering=offering)
                dispatcher.utter_message(json_message=REQUEST_LOCATION)
                return remember(services)
            shown = answer_nearby(dispatcher, session, point, services, offering)
        last = [SlotSet("last_site_id", str(shown[0].site.id))] if shown else []
        return [*remember([]), *last]


def answer_nearby(
    dispatcher: CollectingDispatcher,
    session: Session,
    point: tuple[float, float],
    services: list[str],
    offering: str,
) -> list[NearbySite]:
    """Says what is near `point` (offering `services`, if any); returns the sites shown."""
    now = china_time.now()
    lat, lon = point
    if len(services) > 1:
        found = nearest_offering(session=session, lat=lat, lon=lon, services=services, at=now)
    else:
        service = services[0] if services else None
        found = nearest_any(session=session, lat=lat, lon=lon, service=service, at=now, limit=3)
    if not found:
        none = "utter_no_site_found_for_service" if services else "utter_no_site_found"
        dispatcher.utter_message(response=none, offering=offering)
        return []
    within = [item for item in found if item.within_reach] or found[:1]
    full = [item for item in within if len(item.services) >= len(services) or not services]
    partial = [item for item in within if item not in full]
    if not full:
        dispatcher.utter_message(response="utter_sites_partial_match", offering=offering)
    elif within[0].within_reach:
        found_some = "utter_sites_found_for_service" if services else "utter_sites_found"
        dispatcher.utter_message(response=found_some, count=len(full), offering=offering)
    else:
        beyond = "utter_none_within_reach_for_service" if services else "utter_none_within_reach"
        dispatcher.utter_message(response=beyond, offering=offering)
    for item in full:
        site_card(dispatcher, item, now)
    if full and partial:
        dispatcher.utter_message(response="utter_sites_partial_also")
    for item in partial:
        site_card(dispatcher, item, now)
    return within


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
        # "便民大集每个月哪天" asks for a date, not a site's hours: the fair answers it.
        if bookable(latest_entity(tracker, "service")) == fair.SERVICE:
            return await ActionFairInfo().run(dispatcher, tracker, domain)
        with context.transaction() as session:
            site = resolve_site(tracker, session)
            if site is None:
                dispatcher.utter_message(response="utter_ask_which_site")
                return []
            now = china_time.now()
            # "周日开吗", "几点关门": answer what was asked, not the whole weekly table.
            text = tracker.latest_message.get("text") or ""
            question = parse_hours_question(text, today=now.date())
            policy = HolidayPolicy(site.holiday)
            for answer in answer_hours_question(question, weekly_hours(site), policy, now):
                if answer.reply in (Reply.WEEKLY, Reply.UNKNOWN):
                    weekly_hours_reply(dispatcher, site, now)
                    continue
                say_hours_answer(dispatcher, answer, name=site.name,
                                 phone=site.phone or wording.NO_PHONE, today=now.date())  # fmt: skip
            return [SlotSet("last_site_id", str(site.id))]


def weekly_hours_reply(dispatcher: CollectingDispatcher, site: Site, now: dt.datetime) -> None:
    hours = weekly_hours(site)
    dispatcher.utter_message(
        response="utter_site_hours",
        name=site.name,
        status=wording.status_text(site_status(site, at=now), now),
        hours=format_hours(hours) if hours else wording.HOURS_NOT_REGISTERED,
        holiday=wording.holiday_text(site.holiday),
        phone=site.phone or wording.NO_PHONE,
    )


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
                    services=wording.joined(offered) or wording.NOT_REGISTERED,
                )
            else:
                has = "utter_site_has_service" if asked in offered else "utter_site_lacks_service"
                offering = site_phrases.offering(context.vocabulary(), [asked])
                dispatcher.utter_message(
                    response=has, name=site.name, service=asked, offering=offering
                )
            return [SlotSet("last_site_id", str(site.id)), SlotSet("service", None)]
