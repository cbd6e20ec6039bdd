"""Named errors of the booking domain; the edge turns them into a reply or an exit code."""

from __future__ import annotations

from bot.errors import JiamenkouError


class BookingError(JiamenkouError):
    exit_code = 30
    default_message = "the booking operation failed"


class NotBookable(BookingError):
    """The site does not offer this service by appointment."""

    default_message = "this site takes no bookings for that service"


class InvalidOffer(BookingError):
    """A tuning staff asked for that cannot work (a slot length or capacity out of range)."""

    exit_code = 8
    default_message = "slot length must be 5-480 minutes and capacity 1-500"


class InvalidSession(BookingError):
    """An extra session that cannot work: ends before it starts, too short for one slot, in the
    past, or on a day staff closed."""

    exit_code = 8
    default_message = "an extra session must lie ahead, hold at least one slot, on an open day"


class SlotFull(BookingError):
    exit_code = 31
    default_message = "that time is fully booked"


class SlotUnavailable(BookingError):
    """Not a slot of the site: closed, outside opening hours, or in the past."""

    exit_code = 31
    default_message = "that time cannot be booked (closed, outside opening hours or past)"


class SameSlot(BookingError):
    """A change of time to the time the booking already has."""

    exit_code = 31
    default_message = "the booking already has that time"


class BookingNotFound(BookingError):
    exit_code = 32
    default_message = "no such booking; numbers look like YY000123"


class InvalidBookingNumber(BookingNotFound):
    default_message = "not a booking number; numbers look like YY000123"


class BookingNotActive(BookingError):
    exit_code = 33
    default_message = "the booking is already cancelled or finished"


class DateNotUnderstood(BookingError):
    exit_code = 34
    default_message = "no date or time found in the text"


class PastTime(DateNotUnderstood):
    default_message = "that time has already passed"
