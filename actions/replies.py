"""Domain errors turned into the reply a resident reads: one table, by error type.

Actions catch `JiamenkouError` and call `utter_error`; which response answers which error is
decided here only, by type (never by matching an exception's English text).
"""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.bookings.errors import (
    BookingNotActive,
    BookingNotFound,
    NotBookable,
    PastTime,
    SameSlot,
    SlotFull,
    SlotUnavailable,
)
from bot.errors import JiamenkouError
from bot.tickets.errors import (
    InvalidRating,
    InvalidReport,
    InvalidReportLocation,
    InvalidTicketNumber,
    NotAllowed,
    RatingNotOpen,
    ReportNeedsLocation,
    TicketNotFound,
)

# Most specific first: the first matching type answers.
ERROR_RESPONSES: tuple[tuple[type[JiamenkouError], str], ...] = (
    (TicketNotFound, "utter_ticket_not_found"),
    (InvalidTicketNumber, "utter_ticket_not_found"),
    (NotAllowed, "utter_ticket_not_found"),  # never confirm that someone else's ticket exists
    (RatingNotOpen, "utter_rating_not_open"),
    (InvalidRating, "utter_rating_invalid"),
    (ReportNeedsLocation, "utter_report_needs_location"),
    (InvalidReportLocation, "utter_location_invalid"),
    (InvalidReport, "utter_report_failed"),
    (BookingNotFound, "utter_booking_not_found"),  # also someone else's: never confirm it exists
    (BookingNotActive, "utter_booking_not_active"),
    (SlotFull, "utter_booking_slot_taken"),
    (SameSlot, "utter_booking_same_slot"),
    (SlotUnavailable, "utter_booking_slot_gone"),
    (NotBookable, "utter_booking_not_offered_here"),
    (PastTime, "utter_booking_past_time"),
)
FALLBACK_RESPONSE = "utter_something_went_wrong"


def response_for(error: JiamenkouError) -> str:
    return next(
        (name for kind, name in ERROR_RESPONSES if isinstance(error, kind)), FALLBACK_RESPONSE
    )


def utter_error(dispatcher: CollectingDispatcher, error: JiamenkouError, **values: object) -> None:
    """Says the reply for `error`; `values` fill the response's placeholders (e.g. number)."""
    dispatcher.utter_message(response=response_for(error), **values)
