"""Named errors of the ticket domain; the edge turns them into a reply or an HTTP status."""

from __future__ import annotations

from bot.errors import JiamenkouError


class TicketError(JiamenkouError):
    exit_code = 20
    default_message = "the ticket operation failed"


class InvalidTicketNumber(TicketError):
    default_message = "not a ticket number; numbers look like GD000123"


class TicketNotFound(TicketError):
    exit_code = 21
    default_message = "no such ticket"


class NotAllowed(TicketError):
    """The actor may not do this to this ticket (a resident on someone else's ticket, …)."""

    exit_code = 22
    default_message = "you may not change this ticket"


class IllegalTransition(TicketError):
    exit_code = 23
    default_message = "this status change is not allowed"


class TicketAlreadyFinished(IllegalTransition):
    """Closed (办结) or returned (退回) tickets take no further status change."""

    default_message = "the ticket is already closed or returned"


class InvalidReport(TicketError):
    exit_code = 24
    default_message = "the report is incomplete or invalid"


class ReportNeedsLocation(InvalidReport):
    default_message = "a report needs a location: a point, an address or a site"


class InvalidReportLocation(InvalidReport):
    default_message = "the report's coordinates are incomplete or out of range"


class InvalidPhone(InvalidReport):
    default_message = "not a valid phone number"


class InvalidRating(TicketError):
    exit_code = 25
    default_message = "a rating is a whole number from 1 to 5"


class RatingNotOpen(TicketError):
    exit_code = 25
    default_message = "only a closed ticket can be rated, and only once"
