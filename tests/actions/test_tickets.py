"""Ticket actions called as the engine calls them: the receipt says where the ticket went,
stray entities are not ticket numbers, and errors get their reply by type."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.replies import ERROR_RESPONSES, FALLBACK_RESPONSE, response_for
from actions.tickets import ActionCheckTicket, ActionRateTicket, ActionSubmitReport
from bot.errors import JiamenkouError
from bot.tickets.errors import RatingNotOpen, ReportNeedsLocation, TicketNotFound
from tests.helpers.trackers import engine_domain, make_tracker
from tests.tickets.builders import HESHUN, add_site

CONFIRMED = {
    "problem_type": "路灯损坏",
    "report_description": "小区东门的路灯不亮了",
    "report_confirmed": "yes",
    "report_phone": "none",
}


def run(action: Action, tracker: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, engine_domain()))
    return events, dispatcher.messages


def test_the_receipt_names_the_community_and_grid(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        add_site(session)
    tracker = make_tracker(
        slots={
            **CONFIRMED,
            "report_location": "已发送的定位",
            "report_lat": HESHUN[0],
            "report_lon": HESHUN[1],
        },
    )
    _, [message] = run(ActionSubmitReport(), tracker)
    assert message["response"] == "utter_report_filed"
    assert message["assignee"] == "和顺社区第一网格的网格员"


def test_a_report_far_from_every_grid_says_it_will_be_routed_by_hand(
    factory: sessionmaker[Session],
) -> None:
    tracker = make_tracker(slots={**CONFIRMED, "report_location": "东风巷12号院门口"})
    _, [message] = run(ActionSubmitReport(), tracker)
    assert message["response"] == "utter_report_filed_unrouted"


@pytest.mark.parametrize("entity", ["--", "DROP", "；", "12"])
def test_a_stray_ticket_entity_is_not_a_ticket_number(
    factory: sessionmaker[Session], entity: str
) -> None:
    tracker = make_tracker(
        text=f"查一下{entity}",
        intent="check_ticket",
        entities=[{"entity": "ticket_id", "value": entity}],
    )
    _, [message] = run(ActionCheckTicket(), tracker)
    assert message["response"] == "utter_no_tickets"  # as if no number was given


@pytest.mark.parametrize("rating", ["0", "6", "很好", None])
def test_a_rating_outside_one_to_five_is_answered_as_such(
    factory: sessionmaker[Session], rating: str | None
) -> None:
    entities = [{"entity": "ticket_number", "value": "GD000001"}]
    if rating is not None:
        entities.append({"entity": "rating", "value": rating})
    tracker = make_tracker(intent="rate_ticket", entities=entities)
    _, [message] = run(ActionRateTicket(), tracker)
    assert message["response"] == "utter_rating_invalid"


def test_a_rating_of_an_unknown_ticket_is_not_found(factory: sessionmaker[Session]) -> None:
    entities = [
        {"entity": "ticket_number", "value": "GD999999"},
        {"entity": "rating", "value": "5"},
    ]
    _, [message] = run(ActionRateTicket(), make_tracker(intent="rate_ticket", entities=entities))
    assert message["response"] == "utter_ticket_not_found"


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (TicketNotFound(), "utter_ticket_not_found"),
        (RatingNotOpen(), "utter_rating_not_open"),
        (ReportNeedsLocation(), "utter_report_needs_location"),
        (JiamenkouError(), FALLBACK_RESPONSE),
    ],
)
def test_errors_map_to_replies_by_type(error: JiamenkouError, response: str) -> None:
    assert response_for(error) == response


def test_every_error_reply_is_a_defined_response() -> None:
    defined = set(engine_domain()["responses"])
    assert {name for _, name in ERROR_RESPONSES} | {FALLBACK_RESPONSE} <= defined
