"""Values the bridges would never send, forged into a tracker: the actions refuse them politely
instead of crashing (500) or filing garbage."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.report_form import ValidateReportForm
from actions.sites import ActionFindStation
from actions.tickets import ActionAttachPhoto, ActionSubmitReport
from bot.db.tickets import Ticket
from tests.helpers.trackers import make_tracker

BAD_POINTS = [(math.nan, 121.0), (31.0, math.inf), (-math.inf, 0.0), (999.0, 121.0), (31.0, -999)]


def run(action: Action, tracker: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher.messages


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m.get("response")) for m in messages]


@pytest.mark.parametrize(("lat", "lon"), BAD_POINTS)
def test_find_station_refuses_a_shared_point_off_the_globe(
    factory: sessionmaker[Session], lat: float, lon: float
) -> None:
    tracker = make_tracker(
        slots={"latitude": lat, "longitude": lon}, intent="share_location", text="/share_location"
    )
    events, messages = run(ActionFindStation(), tracker)
    assert responses(messages) == ["utter_location_invalid"]
    assert {"event": "slot", "name": "latitude", "value": None, "timestamp": None} in events


@pytest.mark.parametrize(("lat", "lon"), BAD_POINTS)
def test_the_report_form_asks_again_for_a_shared_point_off_the_globe(
    factory: sessionmaker[Session], lat: float, lon: float
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"latitude": lat, "longitude": lon}, active_loop="report_form")
    result = ValidateReportForm().validate_report_location(
        "__shared_location__", dispatcher, tracker, {}
    )
    assert result["report_location"] is None
    assert "report_lat" not in result
    assert responses(dispatcher.messages) == ["utter_location_invalid"]


def confirmed_report(**slots: Any) -> dict[str, Any]:
    return {
        "problem_type": "路灯损坏",
        "report_description": "楼下路灯坏了好几天",
        "report_location": "和顺社区门口",
        "report_phone": "none",
        "report_confirmed": "yes",
        **slots,
    }


def test_a_confirmed_report_with_a_bad_point_is_filed_with_its_address(
    factory: sessionmaker[Session],
) -> None:
    tracker = make_tracker(slots=confirmed_report(report_lat=math.nan, report_lon=999.0))
    _, messages = run(ActionSubmitReport(), tracker)
    # Filed (no grid in this empty registry: routed by hand), with the address only.
    assert responses(messages) == ["utter_report_filed_unrouted"]
    with factory() as session:
        ticket = session.scalars(select(Ticket)).one()
    assert (ticket.lat, ticket.lon, ticket.address) == (None, None, "和顺社区门口")


@pytest.mark.parametrize(
    "ref",
    [
        "https://evil.example/x.jpg",
        "wechat:AbC_123",  # another channel's id in a Telegram conversation
        "telegram:../../etc/passwd",
    ],
)
def test_a_photo_reference_the_bridge_did_not_make_is_not_attached(
    factory: sessionmaker[Session], ref: str
) -> None:
    tracker = make_tracker(intent="attach_photo", entities=[{"entity": "photo_ref", "value": ref}])
    events, messages = run(ActionAttachPhoto(), tracker)
    assert events == []
    assert responses(messages) == ["utter_photo_invalid"]


def test_forged_photo_slots_never_reach_the_ticket(factory: sessionmaker[Session]) -> None:
    photos = ["telegram:AgACAgIAAx", "https://evil.example/x.jpg"]
    tracker = make_tracker(slots=confirmed_report(report_photos=photos))
    run(ActionSubmitReport(), tracker)
    with factory() as session:
        ticket = session.scalars(select(Ticket)).one()
    assert ticket.photos == ["telegram:AgACAgIAAx"]
