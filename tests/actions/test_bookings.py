"""Booking actions called as the engine calls them, on a fixed clock: what the first message
says is kept, slots come as buttons, a tap books, and residents see only their own bookings."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions.bookings import (
    ActionBookSlot,
    ActionCancelBooking,
    ActionChangeBooking,
    ActionFairInfo,
    ActionListBookings,
    ActionOfferSlots,
    ActionStartBooking,
    ValidateBookingForm,
)
from actions.sites import ActionOpeningHours
from bot import china_time
from bot.db.bookings import Booking, BookingStatus
from tests.bookings.builders import NOW, add_booking, add_site, shanghai
from tests.helpers.trackers import engine_domain, make_form_tracker, make_tracker

ME = "telegram:10001"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(china_time, "now", lambda: NOW)


def run(action: Action, tracker: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, engine_domain()))
    return events, dispatcher.messages


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def entity(name: str, value: str, text: str) -> dict[str, Any]:
    start = text.find(value)
    return {"entity": name, "value": value, "start": start, "end": start + len(value)}


def test_the_first_message_gives_service_and_time(factory: sessionmaker[Session]) -> None:
    text = "我想约明天下午的法律咨询，我们两个人"
    tracker = make_tracker(
        sender_id=ME,
        text=text,
        intent="book_service",
        entities=[entity("service", "法律咨询", text)],
    )
    events, messages = run(ActionStartBooking(), tracker)
    assert messages == []
    assert slots_set(events) == {
        "booking_service": "法律援助",
        "booking_place": None,
        "booking_site_id": None,
        "booking_when": "明天下午",
        "booking_people": 2,
        "booking_phone": None,
    }


def test_people_and_a_phone_in_the_first_message_are_kept(factory: sessionmaker[Session]) -> None:
    text = "我们两个人想约明天上午的义诊，电话13912345678"
    tracker = make_tracker(
        sender_id=ME, text=text, intent="book_service", entities=[entity("service", "义诊", text)]
    )
    events, _ = run(ActionStartBooking(), tracker)
    got = slots_set(events)
    assert got["booking_people"] == 2 and got["booking_phone"] == "+8613912345678"
    assert got["booking_service"] == "健康检测" and got["booking_when"] == "明天上午"


def form_run(requested: str, text: str, slots: dict[str, Any], intent: str = "inform") -> Any:
    tracker = make_form_tracker(
        form="booking_form", requested=requested, text=text, slots=slots, sender_id=ME,
        intent=intent,
    )  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateBookingForm().run(dispatcher, tracker, engine_domain()))
    return slots_set(events), [m["response"] for m in dispatcher.messages]


PLACED = {"booking_place": "和顺社区党群服务站", "booking_site_id": "1"}


def test_people_are_asked_only_where_the_service_counts_people(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        add_site(session)
    got, _ = form_run("booking_place", "和顺社区党群服务站", {"booking_service": "健康检测"})
    assert "requested_slot" not in got  # the engine asks the next one in the domain's order
    assert domain_form_slots()[2] == "booking_people"
    got, _ = form_run("booking_place", "和顺社区党群服务站", {"booking_service": "法律援助"})
    assert got["requested_slot"] == "booking_phone"
    got, _ = form_run(
        "booking_place",
        "和顺社区党群服务站",
        {"booking_service": "法律援助", "booking_phone": "none"},
    )
    assert got["requested_slot"] is None  # nothing left: the free slots come next


def domain_form_slots() -> list[str]:
    return list(engine_domain()["forms"]["booking_form"]["required_slots"])


@pytest.mark.parametrize(
    ("answer", "count"), [("2", 2), ("两位", 2), ("我们三个人", 3), ("1人", 1)]
)
def test_a_people_answer_is_a_count(
    factory: sessionmaker[Session], answer: str, count: int
) -> None:
    got, _ = form_run("booking_people", answer, {"booking_service": "健康检测", **PLACED})
    assert got["booking_people"] == count


@pytest.mark.parametrize(("answer", "reply"), [("很多", "utter_booking_people_invalid"),
                                               ("9", "utter_booking_people_too_many")])  # fmt: skip
def test_a_bad_people_answer_is_asked_again(
    factory: sessionmaker[Session], answer: str, reply: str
) -> None:
    got, replies = form_run("booking_people", answer, {"booking_service": "健康检测", **PLACED})
    assert got["booking_people"] is None and replies == [reply]


@pytest.mark.parametrize(
    ("answer", "stored"),
    [("13912345678", "+8613912345678"), ("电话是 139 1234 5678", "+8613912345678"),
     ("不用", "none"), ("不留", "none"), ("0553-6812345", "+865536812345")],
)  # fmt: skip
def test_the_phone_is_optional(factory: sessionmaker[Session], answer: str, stored: str) -> None:
    got, replies = form_run("booking_phone", answer, {"booking_service": "法律援助", **PLACED})
    assert got["booking_phone"] == stored and replies == []


def test_a_wrong_phone_is_asked_again(factory: sessionmaker[Session]) -> None:
    got, replies = form_run("booking_phone", "12345", {"booking_service": "法律援助", **PLACED})
    assert got["booking_phone"] is None and replies == ["utter_booking_phone_invalid"]


def test_the_phone_is_masked_in_the_log(
    factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG"):
        form_run("booking_phone", "13912345678", {"booking_service": "法律援助", **PLACED})
    assert "13912345678" not in caplog.text and "139****5678" in caplog.text


def test_a_group_takes_its_places_and_the_phone_is_kept(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site_id = add_site(session).id
    tracker = make_tracker(
        sender_id=ME,
        text='/book_slot{"slot_start": "2026-11-26T08:30:00+08:00"}',
        intent="book_slot",
        slots={"booking_people": 3, "booking_phone": "+8613912345678"},
        entities=[
            {"entity": "slot_start", "value": "2026-11-26T08:30:00+08:00"},
            {"entity": "booking_site_id", "value": str(site_id)},
            {"entity": "service", "value": "健康检测"},
        ],
    )
    _, [message] = run(ActionBookSlot(), tracker)
    assert message["response"] == "utter_booking_confirmed" and message["people"] == 3
    with factory() as session:
        booking = session.get(Booking, 1)
        assert booking is not None and booking.people == 3 and booking.slot.booked == 3
        assert booking.phone == "+8613912345678"


def test_a_service_name_is_not_read_as_a_time(factory: sessionmaker[Session]) -> None:
    text = "我要报名四点半课堂"
    tracker = make_tracker(
        sender_id=ME, text=text, intent="book_service",
        entities=[entity("service", "四点半课堂", text)],
    )  # fmt: skip
    events, _ = run(ActionStartBooking(), tracker)
    assert slots_set(events)["booking_when"] is None
    assert slots_set(events)["booking_service"] == "四点半课堂"


def test_a_service_without_appointments_is_said_so(factory: sessionmaker[Session]) -> None:
    text = "预约充电宝"
    tracker = make_tracker(
        sender_id=ME, text=text, intent="book_service", entities=[entity("service", "充电宝", text)]
    )
    events, [message] = run(ActionStartBooking(), tracker)
    assert message["response"] == "utter_booking_service_not_bookable"
    assert slots_set(events)["booking_service"] is None


def test_the_place_answer_becomes_the_nearest_site_offering_it(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        site_id = add_site(session).id
    tracker = make_form_tracker(
        form="booking_form", requested="booking_place", text="和顺社区党群服务站",
        slots={"booking_service": "法律援助"}, sender_id=ME,
    )  # fmt: skip
    events = asyncio.run(
        ValidateBookingForm().run(CollectingDispatcher(), tracker, engine_domain())
    )
    assert slots_set(events)["booking_site_id"] == str(site_id)


def test_an_unknown_place_is_asked_again(factory: sessionmaker[Session]) -> None:
    tracker = make_form_tracker(
        form="booking_form", requested="booking_place", text="火星基地",
        slots={"booking_service": "法律援助"}, sender_id=ME,
    )  # fmt: skip
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateBookingForm().run(dispatcher, tracker, engine_domain()))
    assert slots_set(events)["booking_place"] is None
    assert dispatcher.messages[0]["response"] == "utter_booking_place_unknown"


def test_free_slots_are_offered_as_at_most_five_buttons(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site_id = add_site(session).id
    tracker = make_tracker(
        sender_id=ME,
        slots={"booking_service": "法律援助", "booking_site_id": str(site_id),
               "booking_when": "明天下午"},
    )  # fmt: skip
    _, [message] = run(ActionOfferSlots(), tracker)
    assert message["response"] == "utter_booking_slots"
    titles = [b["title"] for b in message["buttons"]]
    assert titles[0] == "11月26日（周四）14:00-14:30" and len(titles) == 5
    payload = message["buttons"][0]["payload"]
    assert payload.startswith("/book_slot")
    assert json.loads(payload.removeprefix("/book_slot")) == {
        "slot_start": "2026-11-26T14:00:00+08:00",
        "booking_site_id": str(site_id),
        "service": "法律援助",
    }


def tap(site_id: int, start: str, sender: str = ME) -> Any:
    return make_tracker(
        sender_id=sender,
        text=f'/book_slot{{"slot_start": "{start}"}}',
        intent="book_slot",
        entities=[
            {"entity": "slot_start", "value": start},
            {"entity": "booking_site_id", "value": str(site_id)},
            {"entity": "service", "value": "法律援助"},
        ],
    )


def test_a_tap_books_and_confirms_with_everything_needed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site_id = add_site(session).id
    events, [message] = run(ActionBookSlot(), tap(site_id, "2026-11-26T14:00:00+08:00"))
    assert message["response"] == "utter_booking_confirmed"
    assert message["number"] == "YY000001"
    assert message["day"] == "11月26日（周四）" and message["time"] == "14:00-14:30"
    assert (
        message["site"] == "和顺社区党群服务站" and message["address"] == "和顺社区党群服务站一楼"
    )
    assert "身份证" in message["bring"]
    assert slots_set(events)["booking_service"] is None  # done: the booking slots are cleared


def test_a_slot_taken_meanwhile_offers_the_nearest_others(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0), user_id="someone")
        site_id = site.id
    _, messages = run(ActionBookSlot(), tap(site_id, "2026-11-26T14:00:00+08:00"))
    assert [m["response"] for m in messages] == [
        "utter_booking_slot_taken",
        "utter_booking_slots_nearest",
    ]
    assert messages[1]["buttons"][0]["title"] == "11月26日（周四）11:30-12:00"


def test_my_bookings_lists_only_mine(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0))
        add_booking(session, site, shanghai(2026, 11, 26, 9, 0), user_id="other")
    _, [message] = run(ActionListBookings(), make_tracker(sender_id=ME, intent="list_bookings"))
    assert message["response"] == "utter_my_bookings" and message["count"] == 1
    assert "YY000001" in message["listing"] and "YY000002" not in message["listing"]


def test_no_bookings_is_said_plainly(factory: sessionmaker[Session]) -> None:
    _, [message] = run(ActionListBookings(), make_tracker(sender_id=ME, intent="list_bookings"))
    assert message["response"] == "utter_no_bookings"


def cancel_tracker(text: str, number: str | None = None) -> Any:
    entities = [{"entity": "booking_number", "value": number}] if number else []
    return make_tracker(sender_id=ME, text=text, intent="cancel_booking", entities=entities)


def test_someone_elses_booking_cannot_be_cancelled(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        theirs = add_booking(session, add_site(session), shanghai(2026, 11, 26, 9, 0), user_id="x")
        number = theirs.number
    _, [message] = run(ActionCancelBooking(), cancel_tracker(f"取消{number}"))
    assert message["response"] == "utter_booking_not_found"
    with factory() as session:
        assert session.get(Booking, 1).status is BookingStatus.BOOKED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "cancelled"), [("取消明天那个", "YY000001"), ("最近那个不去了", "YY000001"),
                            ("后天那个取消", "YY000002")],
)  # fmt: skip
def test_cancel_by_words(factory: sessionmaker[Session], text: str, cancelled: str) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0))
        add_booking(session, site, shanghai(2026, 11, 27, 9, 0))
    _, [message] = run(ActionCancelBooking(), cancel_tracker(text))
    assert message["response"] == "utter_booking_cancelled" and message["number"] == cancelled


def test_cancel_without_saying_which_offers_a_pick(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0))
        add_booking(session, site, shanghai(2026, 11, 27, 9, 0))
    _, [message] = run(ActionCancelBooking(), cancel_tracker("取消预约"))
    assert message["response"] == "utter_booking_pick_to_cancel"
    assert [b["payload"] for b in message["buttons"]] == [
        '/cancel_booking{"booking_number": "YY000001"}',
        '/cancel_booking{"booking_number": "YY000002"}',
    ]
    _, [message] = run(ActionCancelBooking(), cancel_tracker("/cancel_booking", "YY000002"))
    assert message["response"] == "utter_booking_cancelled" and message["number"] == "YY000002"


def test_a_home_service_keeps_the_address_and_waits_for_staff(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        site_id = add_site(session).id
    tracker = make_tracker(
        sender_id=ME,
        text='/book_slot{"slot_start": "2026-11-26T08:30:00+08:00"}',
        intent="book_slot",
        slots={"booking_place": "和顺社区3栋2单元501"},
        entities=[
            {"entity": "slot_start", "value": "2026-11-26T08:30:00+08:00"},
            {"entity": "booking_site_id", "value": str(site_id)},
            {"entity": "service", "value": "家政服务"},
        ],
    )
    _, [message] = run(ActionBookSlot(), tracker)
    assert message["response"] == "utter_booking_pending"
    with factory() as session:
        booking = session.get(Booking, 1)
        assert booking is not None and booking.status is BookingStatus.PENDING
        assert booking.address == "和顺社区3栋2单元501"


def change_tracker(
    text: str, entities: list[dict[str, Any]] | None = None, sender: str = ME
) -> Any:
    return make_tracker(
        sender_id=sender, text=text, intent="change_booking", entities=entities or []
    )


def test_a_change_of_time_moves_the_booking_in_one_step(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0))
    _, [message] = run(ActionChangeBooking(), change_tracker("把明天那个改到后天下午"))
    assert message["response"] == "utter_booking_changed"
    assert message["old_number"] == "YY000001" and message["number"] == "YY000002"
    assert message["time"] == "14:00-14:30" and message["day"] == "11月27日（周五）"
    with factory() as session:
        old, new = session.get(Booking, 1), session.get(Booking, 2)
        assert old is not None and old.status is BookingStatus.CANCELLED
        assert new is not None and new.status is BookingStatus.BOOKED


def test_a_full_wish_keeps_the_booking_and_offers_nearest(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0))
        for minute in (0, 30):  # the whole hour wished is taken
            add_booking(session, site, shanghai(2026, 11, 27, 9, minute), user_id="someone")
    _, [message] = run(ActionChangeBooking(), change_tracker("改到后天上午九点"))
    assert message["response"] == "utter_booking_change_nearest"
    payload = message["buttons"][0]["payload"]
    assert payload.startswith('/change_booking{"booking_number": "YY000001", "slot_start": ')
    with factory() as session:
        assert session.get(Booking, 1).status is BookingStatus.BOOKED  # type: ignore[union-attr]
    start = json.loads(payload.removeprefix("/change_booking"))["slot_start"]
    tapped = change_tracker(payload, [{"entity": "booking_number", "value": "YY000001"},
                                      {"entity": "slot_start", "value": start}])  # fmt: skip
    _, [message] = run(ActionChangeBooking(), tapped)
    assert message["response"] == "utter_booking_changed" and message["number"] == "YY000004"


def test_nobody_changes_someone_elses_booking(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        add_booking(session, add_site(session), shanghai(2026, 11, 26, 14, 0), user_id="other")
    _, [message] = run(ActionChangeBooking(), change_tracker("YY000001改到后天下午"))
    assert message["response"] == "utter_booking_not_found"
    _, [message] = run(ActionChangeBooking(), change_tracker("改到后天下午"))
    assert message["response"] == "utter_no_bookings"


def test_two_bookings_and_no_hint_ask_which_and_keep_the_wish(
    factory: sessionmaker[Session],
) -> None:
    with factory.begin() as session:
        site = add_site(session)
        add_booking(session, site, shanghai(2026, 11, 26, 14, 0))
        add_booking(session, site, shanghai(2026, 11, 26, 15, 0))
    events, [message] = run(ActionChangeBooking(), change_tracker("改到后天下午"))
    assert message["response"] == "utter_booking_pick_to_change"
    assert slots_set(events)["booking_when"] == "后天下午"
    picked = make_tracker(
        sender_id=ME, text='/change_booking{"booking_number": "YY000002"}',
        intent="change_booking", slots={"booking_when": "后天下午"},
        entities=[{"entity": "booking_number", "value": "YY000002"}],
    )  # fmt: skip
    _, [message] = run(ActionChangeBooking(), picked)
    assert message["response"] == "utter_booking_changed" and message["old_number"] == "YY000002"
    assert message["time"] == "15:00-15:30"


@pytest.mark.parametrize(
    ("text", "response", "day"),
    [("下个月的便民大集是哪天", "utter_fair_next", "12月19日（周六）"),  # November's is over
     ("明年1月的大集是哪天", "utter_fair_next", "1月16日（周六）")],
)  # fmt: skip
def test_when_the_next_fair_is(
    factory: sessionmaker[Session], text: str, response: str, day: str
) -> None:
    tracker = make_tracker(sender_id=ME, text=text, intent="ask_fair")
    _, messages = run(ActionFairInfo(), tracker)
    [message] = [m for m in messages if m["response"].startswith("utter_fair")]
    assert message["response"] == response and message["day"] == day
    assert message["time"] == "09:00-11:30" and "法律援助" in message["stalls"]
    assert message["buttons"][0]["payload"] == '/book_service{"service": "便民服务大集"}'


def test_a_fair_moved_by_a_holiday_says_so(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(china_time, "now", lambda: shanghai(2026, 2, 2, 10, 0))
    _, [message] = run(ActionFairInfo(), make_tracker(sender_id=ME, text="大集几号"))
    assert message["response"] == "utter_fair_moved"
    assert (message["usual"], message["day"], message["holiday"]) == (
        "2月21日（周六）", "2月28日（周六）", "春节",
    )  # fmt: skip


def test_a_fair_question_read_as_opening_hours_still_gets_the_date(
    factory: sessionmaker[Session],
) -> None:
    text = "便民服务大集市是每个月哪天"
    tracker = make_tracker(
        sender_id=ME, text=text, intent="ask_opening_hours",
        entities=[entity("service", "便民服务大集市", text)],
    )  # fmt: skip
    _, messages = run(ActionOpeningHours(), tracker)
    assert [m["response"] for m in messages][-1] == "utter_fair_next"
