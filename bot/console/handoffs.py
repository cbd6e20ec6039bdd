"""Handoffs: residents waiting for a person (oldest first, with the waiting time), and the
desk's claim, reply and release — `bot.handoff.desk`, as `jiamenkou handoff` uses it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.console.conversations import visible_transcript
from bot.console.deps import DeskStaff, PostingDesk, ResourcesDep, Viewer
from bot.console.errors import PageNotFound
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.console.texts import ENGINE_DOWN
from bot.db.columns import utcnow
from bot.db.handoffs import Handoff
from bot.errors import EngineUnavailable, HandoffNotFound, HandoffTaken
from bot.handoff import service
from bot.privacy import mask_personal_text
from bot.staff import audit
from bot.staff.permissions import conversation_scope

router = APIRouter()
NOT_WAITING = "这个会话现在没有人在等人工服务（可能已交回小助手或已转成工单）。"


@dataclass(frozen=True)
class WaitingRow:
    id: str
    state: str
    channel: str
    since: datetime
    held_by: str | None
    in_staff_hours: bool
    question: str


def _row(handoff: Handoff, *, unmasked: bool) -> WaitingRow:
    question = handoff.question or ""
    return WaitingRow(
        id=handoff.conversation_id,
        state=str(handoff.state),
        channel=handoff.channel,
        since=handoff.requested_at,
        held_by=handoff.held_by,
        in_staff_hours=handoff.in_staff_hours,
        question=question if unmasked else mask_personal_text(question),
    )


def _open_rows(resources: ConsoleResources, viewer: Viewer) -> list[WaitingRow]:
    with resources.session_factory() as session:
        scope = conversation_scope(session, viewer.member)
        return [
            _row(h, unmasked=viewer.member.sees_unmasked)
            for h in service.list_open(session)
            if scope.allows(h.sender_id)
        ]


def _open_one(resources: ConsoleResources, viewer: Viewer, cid: str) -> WaitingRow | None:
    with resources.session_factory() as session:
        handoff = service.open_handoff(session, cid.strip().lower())
        if handoff is None:
            return None
        if not conversation_scope(session, viewer.member).allows(handoff.sender_id):
            raise PageNotFound(NOT_WAITING)
        return _row(handoff, unmasked=viewer.member.sees_unmasked)


@router.get("/console/handoffs", response_class=HTMLResponse)
def waiting(request: Request, viewer: DeskStaff, resources: ResourcesDep) -> HTMLResponse:
    return render(request, "handoffs.html", viewer, rows=_open_rows(resources, viewer))


def _page(
    request: Request,
    viewer: Viewer,
    resources: ConsoleResources,
    cid: str,
    *,
    error: str | None = None,
    status: int = 200,
    draft: str = "",
) -> HTMLResponse:
    handoff = _open_one(resources, viewer, cid)
    _, shown = visible_transcript(resources, viewer, cid)
    return render(
        request,
        "handoff.html",
        viewer,
        status=status,
        error=error,
        h=handoff,
        c=shown,
        threshold=resources.settings.low_confidence,
        draft=draft,
    )


@router.get("/console/handoffs/{cid}", response_class=HTMLResponse)
def conversation(
    request: Request, cid: str, viewer: DeskStaff, resources: ResourcesDep
) -> HTMLResponse:
    return _page(request, viewer, resources, cid)


@router.get("/console/handoffs/{cid}/turns", response_class=HTMLResponse)
def turns(request: Request, cid: str, viewer: DeskStaff, resources: ResourcesDep) -> HTMLResponse:
    """The transcript alone, polled by the page so new resident messages appear."""
    _, shown = visible_transcript(resources, viewer, cid)
    return render(
        request,
        "_turns.html",
        viewer,
        turns=shown.turns,
        threshold=resources.settings.low_confidence,
    )


def _act(
    request: Request,
    viewer: Viewer,
    resources: ConsoleResources,
    cid: str,
    action: str,
    text: str = "",
) -> Response:
    cid = cid.strip().lower()
    if _open_one(resources, viewer, cid) is None:
        return _page(request, viewer, resources, cid, error=NOT_WAITING, status=404, draft=text)
    desk = resources.desk()
    try:
        if action == "claim":
            desk.claim(cid, by=viewer.username)
        elif action == "reply":
            if not text.strip():
                return _page(
                    request, viewer, resources, cid, error="回复内容不能为空。", status=400
                )
            desk.reply(cid, text.strip()[:2000], by=viewer.username)
        else:
            desk.release(cid, by=viewer.username)
    except HandoffTaken:
        error, status = "另一位工作人员已接入这个会话，请与其联系。", 409
    except HandoffNotFound:
        error, status = NOT_WAITING, 404
    except EngineUnavailable:
        error, status = ENGINE_DOWN, 503
    else:
        with resources.session_factory.begin() as session:
            audit.record(
                session=session,
                actor=viewer.username,
                action=f"handoff.{action}",
                target=cid,
                now=utcnow(),
                address=viewer.address,
                details={"text": text.strip()[:500]} if action == "reply" else None,
            )
        done = {"claim": "claimed", "reply": "replied", "release": "released"}[action]
        target = "/console/handoffs" if action == "release" else f"/console/handoffs/{cid}"
        return RedirectResponse(f"{target}?done={done}", status_code=303)
    return _page(request, viewer, resources, cid, error=error, status=status, draft=text)


@router.post("/console/handoffs/{cid}/claim", response_class=HTMLResponse)
def claim(request: Request, cid: str, viewer: PostingDesk, resources: ResourcesDep) -> Response:
    return _act(request, viewer, resources, cid, "claim")


@router.post("/console/handoffs/{cid}/reply", response_class=HTMLResponse)
def reply(
    request: Request,
    cid: str,
    viewer: PostingDesk,
    resources: ResourcesDep,
    text: Annotated[str, Form()] = "",
) -> Response:
    return _act(request, viewer, resources, cid, "reply", text)


@router.post("/console/handoffs/{cid}/release", response_class=HTMLResponse)
def release(request: Request, cid: str, viewer: PostingDesk, resources: ResourcesDep) -> Response:
    return _act(request, viewer, resources, cid, "release")
