"""Filing a report as a ticket: validated, routed, graded, deadlined; once per incoming message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.columns import utcnow
from bot.db.sites import Site
from bot.db.tickets import Severity, Ticket, TicketStatus
from bot.sites.coords import valid_point
from bot.tickets.deadlines import compute_deadlines
from bot.tickets.errors import InvalidReport, InvalidReportLocation, ReportNeedsLocation
from bot.tickets.lifecycle import Actor, record_event
from bot.tickets.phones import normalize_phone
from bot.tickets.routing import route_report
from bot.tickets.severity import propose_severity

MAX_PHOTOS = 9  # what one WeChat message can carry
MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class NewReport:
    """What a resident reported, as the conversation (or the API) collected it."""

    channel: str  # telegram, wechat, rest, open311 …
    user_id: str  # the reporter's id on that channel: the ticket's owner
    category: str  # canonical problem type from vocabulary.yml
    description: str = ""
    lat: float | None = None  # WGS-84
    lon: float | None = None
    address: str | None = None
    place_site_id: int | None = None
    photos: Sequence[str] = field(default_factory=tuple)  # platform file ids or URLs
    phone: str | None = None
    message_id: str | None = None  # the incoming message's id: repeats file nothing new
    severity: Severity | None = None  # None: proposed from category and description
    # The point is the middle of a place named in the address (a community, a 小区), not
    # where the problem is: the grid worker confirms the spot.
    approximate_point: bool = False


@dataclass(frozen=True)
class FiledTicket:
    ticket: Ticket
    created: bool  # False: this message had filed `ticket` before, nothing new was made


def file_report(*, session: Session, report: NewReport, now: datetime | None = None) -> FiledTicket:
    """Create the ticket (status 已受理), or return the one this message filed before."""
    now = now or utcnow()
    _check(report)
    phone = normalize_phone(report.phone)
    if report.message_id is not None:
        existing = find_by_message(
            session=session, channel=report.channel, message_id=report.message_id
        )
        if existing is not None:
            return FiledTicket(existing, created=False)

    if report.place_site_id is not None and session.get(Site, report.place_site_id) is None:
        raise InvalidReport(f"no service site with id {report.place_site_id}")
    category = report.category.strip()
    description = report.description.strip()[:MAX_DESCRIPTION]
    severity = report.severity or propose_severity(category, description)
    deadlines = compute_deadlines(severity, now)
    route = route_report(
        session=session,
        lat=report.lat,
        lon=report.lon,
        address=report.address,
        place_site_id=report.place_site_id,
    )
    ticket = Ticket(
        category=category,
        description=description,
        lat=report.lat,
        lon=report.lon,
        address=(report.address or "").strip() or None,
        place_site_id=report.place_site_id,
        photos=list(report.photos)[:MAX_PHOTOS],
        reporter_phone=phone,
        channel=report.channel,
        channel_user_id=report.user_id,
        source_message_id=report.message_id,
        severity=severity,
        status=TicketStatus.ACCEPTED,
        grid=route.grid,
        community=route.community,
        site_id=route.site_id,
        due_at=deadlines.due_at,
        follow_up_by=deadlines.follow_up_by,
        created_at=now,
        updated_at=now,
    )
    try:
        # A savepoint, so losing the race for this message id leaves the caller's
        # transaction usable: the winner's ticket is then read and returned.
        with session.begin_nested():
            session.add(ticket)
            session.flush()
            details: dict[str, object] = {}
            if route.distance_m:
                details["route_distance_m"] = round(route.distance_m)
            if report.approximate_point:
                details["point"] = "approximate"
            record_event(
                session=session,
                ticket=ticket,
                actor=Actor.resident(report.channel, report.user_id),
                now=now,
                kind="created",
                details=details or None,
            )
            session.flush()
    except IntegrityError:
        if report.message_id is None:
            raise
        winner = find_by_message(
            session=session, channel=report.channel, message_id=report.message_id
        )
        if winner is None:
            raise
        return FiledTicket(winner, created=False)
    return FiledTicket(ticket, created=True)


def find_by_message(*, session: Session, channel: str, message_id: str) -> Ticket | None:
    return session.scalars(
        select(Ticket).where(Ticket.channel == channel, Ticket.source_message_id == message_id)
    ).first()


def _check(report: NewReport) -> None:
    if not report.channel or not report.user_id:
        raise InvalidReport("a report needs the channel and the reporter's id")
    if not report.category.strip():
        raise InvalidReport("a report needs a problem category")
    has_point = report.lat is not None and report.lon is not None
    if (report.lat is None) != (report.lon is None):
        raise InvalidReportLocation("give both latitude and longitude, or neither")
    if has_point and not _valid_point(report.lat, report.lon):
        raise InvalidReportLocation("latitude/longitude out of range")
    if not (has_point or (report.address or "").strip() or report.place_site_id):
        raise ReportNeedsLocation()


def _valid_point(lat: float | None, lon: float | None) -> bool:
    return valid_point(lat, lon) is not None
