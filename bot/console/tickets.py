"""Tickets: the queue against the 1341 clock, one ticket's detail, and the staff's actions
(status with a note, 派单/转单, severity) — the same domain calls as `jiamenkou tickets`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.console.deps import CurrentStaff, PostingDesk, ResourcesDep, Viewer
from bot.console.errors import PageNotFound
from bot.console.templating import render
from bot.conversations.ids import CHANNELS
from bot.db.columns import utcnow
from bot.db.tickets import Severity, Ticket, TicketStatus
from bot.privacy import mask_phones_in_text
from bot.sites.coords import wgs84_to_gcj02
from bot.staff import audit
from bot.staff.permissions import senders_of
from bot.templates.notifications import SEVERITY_LABELS, STATUS_LABELS
from bot.tickets import lifecycle
from bot.tickets.categories import known_categories
from bot.tickets.errors import TicketError
from bot.tickets.queries import OPEN_STATUSES, get_ticket, known_grids, ticket_queue
from bot.tickets.views import view_ticket

router = APIRouter()


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # open, all, or one status value
    grid: str = ""
    category: str = ""
    severity: str = ""
    channel: str = ""
    overdue: bool = False

    def statuses(self) -> list[TicketStatus]:
        if self.status == "all":
            return []
        if self.status in {s.value for s in TicketStatus}:
            return [TicketStatus(self.status)]
        return list(OPEN_STATUSES)


def _visible(session: Session, viewer: Viewer, number: str, *, lock: bool = False) -> Ticket:
    """The ticket if this member may see it; someone else's grid looks like a missing one."""
    try:
        ticket = get_ticket(session=session, number=number, for_update=lock)
    except TicketError as exc:
        raise PageNotFound("没有这个工单编号，或您无权查看。") from exc
    if not viewer.member.may_see_ticket(ticket):
        raise PageNotFound("没有这个工单编号，或您无权查看。")
    return ticket


@router.get("/console/tickets", response_class=HTMLResponse)
def queue(
    request: Request,
    viewer: CurrentStaff,
    resources: ResourcesDep,
    status: str = "open",
    grid: str = "",
    category: str = "",
    severity: str = "",
    channel: str = "",
    overdue: str = "",
) -> HTMLResponse:
    filters = QueueFilters(status, grid.strip(), category, severity, channel, overdue == "1")
    now = utcnow()
    with resources.session_factory() as session:
        grids = viewer.member.visible_grids(filters.grid or None)
        tickets = ticket_queue(
            session=session,
            statuses=filters.statuses(),
            categories=[filters.category] if filters.category else [],
            severities=[filters.severity] if filters.severity in set(Severity) else [],
            channels=[filters.channel] if filters.channel else [],
            grids=grids,
            overdue_at=now if filters.overdue else None,
        )
        rows = [(t, view_ticket(t, now=now)) for t in tickets]
        grid_choices = (
            known_grids(session=session)
            if viewer.member.sees_all_grids
            else list(viewer.member.grids)
        )
    return render(
        request,
        "tickets.html",
        viewer,
        rows=rows,
        filters=filters,
        grid_choices=grid_choices,
        statuses=STATUS_LABELS,
        severities=SEVERITY_LABELS,
        categories=[c.name for c in known_categories()],
        channels=(*CHANNELS, "open311"),
    )


def _detail(
    request: Request,
    viewer: Viewer,
    resources: ResourcesDep,
    number: str,
    *,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    now = utcnow()
    with resources.session_factory() as session:
        ticket = _visible(session, viewer, number)
        view = view_ticket(ticket, now=now, exact_location=viewer.member.may_act_on_tickets)
        events = [
            {
                "at": e.at,
                "actor": e.actor,
                "kind": e.kind,
                "to": STATUS_LABELS.get(TicketStatus(e.to_status), e.to_status)
                if e.to_status in {s.value for s in TicketStatus}
                else e.to_status,
                "note": mask_phones_in_text(e.note) if e.note else None,
            }
            for e in ticket.events
        ]
        allowed = sorted(lifecycle.ALLOWED[ticket.status] - {TicketStatus.DISPATCHED})
        grids = known_grids(session=session)
        ticket_due, follow_up = ticket.due_at, ticket.follow_up_by
        photos = list(ticket.photos or [])
        owner = (ticket.channel, ticket.channel_user_id)
        map_url = None
        if ticket.lat is not None and ticket.lon is not None:
            lat, lon = wgs84_to_gcj02(ticket.lat, ticket.lon)  # Amap reads GCJ-02
            map_url = f"https://uri.amap.com/marker?position={lon:.6f},{lat:.6f}&name={view.number}"
        rating_comment = ticket.rating_comment
    conversations = list(resources.record().existing_ids(senders_of(*owner)).values())
    return render(
        request,
        "ticket.html",
        viewer,
        status=status,
        error=error,
        t=view,
        events=events,
        allowed=[(s.value, STATUS_LABELS[s]) for s in allowed],
        grid_choices=grids,
        severities=SEVERITY_LABELS,
        due_at=ticket_due,
        follow_up_by=follow_up,
        photos=photos,
        map_url=map_url,
        conversations=conversations,
        rating_comment=mask_phones_in_text(rating_comment) if rating_comment else None,
        form=form or {},
    )


@router.get("/console/tickets/{number}", response_class=HTMLResponse)
def detail(
    request: Request, number: str, viewer: CurrentStaff, resources: ResourcesDep
) -> HTMLResponse:
    return _detail(request, viewer, resources, number)


def _act(
    request: Request,
    viewer: Viewer,
    resources: ResourcesDep,
    number: str,
    action: str,
    form: dict[str, str],
) -> Response:
    """Runs one change in one transaction with its audit entry; a refused change is shown on
    the ticket's page with what the staff member typed kept in the form."""
    now = utcnow()
    actor = lifecycle.Actor.staff(viewer.username)
    note = form.get("note", "").strip() or None
    try:
        with resources.session_factory.begin() as session:
            ticket = _visible(session, viewer, number, lock=True)
            if action == "status":
                to = TicketStatus(form["to"]) if form.get("to") in set(TicketStatus) else None
                if to is None:
                    raise TicketError("choose the new status")
                lifecycle.change_status(
                    session=session, ticket=ticket, to=to, actor=actor, now=now, note=note
                )
                details = {"to": to.value, "note": note or ""}
            elif action == "transfer":
                lifecycle.transfer(
                    session=session,
                    ticket=ticket,
                    actor=actor,
                    now=now,
                    grid=form.get("grid", "").strip()[:64] or None,
                    department=form.get("department", "").strip()[:64] or None,
                    note=note,
                )
                details = {"grid": ticket.grid or "", "department": ticket.department or ""}
            else:
                sev = form.get("severity", "")
                if sev not in set(Severity):
                    raise TicketError("choose the severity")
                lifecycle.change_severity(
                    session=session,
                    ticket=ticket,
                    severity=Severity(sev),
                    actor=actor,
                    now=now,
                    note=note,
                )
                details = {"severity": sev, "note": note or ""}
            audit.record(
                session=session,
                actor=viewer.username,
                action=f"ticket.{action}",
                target=ticket.number,
                now=now,
                address=viewer.address,
                details=details,
            )
            done = ticket.number
    except TicketError as exc:
        return _detail(
            request, viewer, resources, number, error=_explain(exc), status=409, form=form
        )
    return RedirectResponse(f"/console/tickets/{done}?done={action}", status_code=303)


def _explain(exc: TicketError) -> str:
    text = str(exc)
    if "needs a note" in text:
        return "办结或退回需要填写处理结果或理由。"
    if "already" in text:
        return "该工单已办结或已退回，不能再更改。"
    if "cannot go from" in text:
        return "当前状态下不能改为所选状态。"
    if "needs a grid" in text:
        return "转派需要填写网格或部门。"
    if "choose" in text:
        return "请选择要改成的状态或等级。"
    return "操作没有执行：" + text


Field = Annotated[str, Form()]


@router.post("/console/tickets/{number}/status", response_class=HTMLResponse)
def change_status(
    request: Request,
    number: str,
    viewer: PostingDesk,
    resources: ResourcesDep,
    to: Field = "",
    note: Field = "",
) -> Response:
    return _act(request, viewer, resources, number, "status", {"to": to, "note": note})


@router.post("/console/tickets/{number}/transfer", response_class=HTMLResponse)
def transfer(
    request: Request,
    number: str,
    viewer: PostingDesk,
    resources: ResourcesDep,
    grid: Field = "",
    department: Field = "",
    note: Field = "",
) -> Response:
    form = {"grid": grid, "department": department, "note": note}
    return _act(request, viewer, resources, number, "transfer", form)


@router.post("/console/tickets/{number}/severity", response_class=HTMLResponse)
def severity(
    request: Request,
    number: str,
    viewer: PostingDesk,
    resources: ResourcesDep,
    severity: Field = "",
    note: Field = "",
) -> Response:
    form = {"severity": severity, "note": note}
    return _act(request, viewer, resources, number, "severity", form)
