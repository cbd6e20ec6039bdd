"""Conversations: the record's listing with filters, one transcript (what the resident said,
what the engine understood, what the assistant did) and the tickets it created."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import select

from bot import china_time
from bot.console.deps import CurrentStaff, ResourcesDep, Viewer, require
from bot.console.errors import PageNotFound
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.conversations.ids import CHANNELS
from bot.conversations.listing import Filters
from bot.conversations.service import Transcript
from bot.db.columns import utcnow
from bot.db.staff import StaffRole
from bot.db.tickets import Ticket
from bot.errors import ConversationNotFound
from bot.staff import audit
from bot.staff.permissions import conversation_scope, owner_of
from bot.tickets.views import TicketView, view_ticket

router = APIRouter()
PAGE_SIZE = 100
NOT_FOUND = "没有这个会话，或它不属于您负责的网格。"


def _day(text: str) -> datetime | None:
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time(0), tzinfo=china_time.ZONE)


@router.get("/console/conversations", response_class=HTMLResponse)
def listing(
    request: Request,
    viewer: CurrentStaff,
    resources: ResourcesDep,
    channel: str = "",
    since: str = "",
    until: str = "",
    text: str = "",
    intent: str = "",
    low: str = "",
    fallback: str = "",
    handoff: str = "",
) -> HTMLResponse:
    start, end = _day(since), _day(until)
    filters = Filters(
        since=start,
        until=end + timedelta(days=1) if end else None,
        channel=channel if channel in CHANNELS else None,
        low_confidence=low == "1",
        fallback=fallback == "1",
        handoff=handoff == "1",
        threshold=resources.settings.low_confidence,
        text=text.strip()[:100] or None,
        intent=intent.strip()[:64] or None,
    )
    summaries = resources.record().list(filters)
    with resources.session_factory() as session:
        scope = conversation_scope(session, viewer.member)
    visible = [s for s in summaries if scope.allows(s.sender_id)]
    return render(
        request,
        "conversations.html",
        viewer,
        rows=visible[:PAGE_SIZE],
        total=len(visible),
        page_size=PAGE_SIZE,
        channels=CHANNELS,
        threshold=resources.settings.low_confidence,
        q={
            "channel": channel,
            "since": since,
            "until": until,
            "text": text,
            "intent": intent,
            "low": low == "1",
            "fallback": fallback == "1",
            "handoff": handoff == "1",
        },
        bad_date=(since and start is None) or (until and end is None),
    )


def visible_transcript(
    resources: ConsoleResources, viewer: Viewer, cid: str
) -> tuple[str, Transcript]:
    """(sender id, transcript) if this member may read the conversation, else 404; staff read
    it as written, trainers and admins masked (see `StaffMember.sees_unmasked`)."""
    record = resources.record()
    try:
        sender = record.sender_of(cid)
    except ConversationNotFound as exc:
        raise PageNotFound(NOT_FOUND) from exc
    with resources.session_factory() as session:
        if not conversation_scope(session, viewer.member).allows(sender):
            raise PageNotFound(NOT_FOUND)
    try:
        transcript = record.show(cid, masked=not viewer.member.sees_unmasked)
    except ConversationNotFound as exc:
        raise PageNotFound(NOT_FOUND) from exc
    if viewer.member.sees_unmasked:
        with resources.session_factory.begin() as session:
            audit.record(
                session=session,
                actor=viewer.username,
                action="conversation.view",
                target=transcript.id,
                now=utcnow(),
                address=viewer.address,
            )
    return sender, transcript


def tickets_of(resources: ConsoleResources, viewer: Viewer, sender: str) -> list[TicketView]:
    channel, user = owner_of(sender)
    now = utcnow()
    with resources.session_factory() as session:
        found = session.scalars(
            select(Ticket)
            .where(Ticket.channel == channel, Ticket.channel_user_id == user)
            .order_by(Ticket.id)
        )
        return [view_ticket(t, now=now) for t in found if viewer.member.may_see_ticket(t)]


@router.get("/console/conversations/{cid}", response_class=HTMLResponse)
def transcript(
    request: Request, cid: str, viewer: CurrentStaff, resources: ResourcesDep
) -> HTMLResponse:
    sender, shown = visible_transcript(resources, viewer, cid)
    return render(
        request,
        "conversation.html",
        viewer,
        c=shown,
        tickets=tickets_of(resources, viewer, sender),
        threshold=resources.settings.low_confidence,
        masked=not viewer.member.sees_unmasked,
    )


ReaderOfAll = Annotated[Viewer, Depends(require(StaffRole.TRAINER, StaffRole.ADMIN))]


@router.get("/console/conversations/{cid}/story", response_class=PlainTextResponse)
def export_story(cid: str, viewer: ReaderOfAll, resources: ResourcesDep) -> PlainTextResponse:
    """The conversation as a Rasa test story (masked), to keep as a regression test."""
    visible_transcript(resources, viewer, cid)  # the same 404 for what does not exist
    story = resources.record().export_story(cid)
    with resources.session_factory.begin() as session:
        audit.record(
            session=session,
            actor=viewer.username,
            action="conversation.export",
            target=cid,
            now=utcnow(),
            address=viewer.address,
        )
    return PlainTextResponse(
        story,
        media_type="text/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{cid}.yml"'},
    )
