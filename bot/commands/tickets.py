"""Staff tools: `jiamenkou tickets list|show|status|assign|severity`."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.columns import utcnow
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.db.tickets import Severity, TicketStatus
from bot.privacy import mask_phones_in_text
from bot.templates.notifications import SEVERITY_LABELS, STATUS_LABELS
from bot.tickets import lifecycle
from bot.tickets.errors import TicketError
from bot.tickets.queries import closure_rate, get_ticket, list_tickets, status_counts
from bot.tickets.views import view_ticket


@contextmanager
def database(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """A session factory on the configured database, migrated to the newest schema first."""
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("tickets", help="staff tools for problem reports (工单)")
    t_sub = p.add_subparsers(dest="tickets_command", required=True, metavar="TICKETS_COMMAND")

    p_list = t_sub.add_parser("list", help="list tickets, newest first")
    p_list.add_argument("--status", type=parse_status, help="e.g. accepted or 已受理")
    p_list.add_argument("--limit", type=int, default=50)
    p_list.add_argument("--json", action="store_true", help="one JSON object per line")
    p_list.set_defaults(handler=cmd_list)

    p_show = t_sub.add_parser("show", help="one ticket with its history")
    p_show.add_argument("number", help="GD000123 (gd000123, GD-000123 work too)")
    p_show.add_argument("--json", action="store_true")
    p_show.set_defaults(handler=cmd_show)

    p_status = t_sub.add_parser("status", help="change the status; the reporter is notified")
    p_status.add_argument("number")
    p_status.add_argument("status", type=parse_status, help="dispatched/处理中/已办结/已退回 …")
    p_status.add_argument("--note", required=True, help="result, reason or remark")
    p_status.add_argument("--by", default=None, help="staff name (default: login name)")
    p_status.set_defaults(handler=cmd_status)

    p_assign = t_sub.add_parser("assign", help="派单/转单 to another grid or department")
    p_assign.add_argument("number")
    p_assign.add_argument("--grid", help="grid (网格) name")
    p_assign.add_argument("--department", help="department, e.g. 城管")
    p_assign.add_argument("--note")
    p_assign.add_argument("--by", default=None)
    p_assign.set_defaults(handler=cmd_assign)

    p_sev = t_sub.add_parser("severity", help="re-grade; the 1341 deadlines follow")
    p_sev.add_argument("number")
    p_sev.add_argument("severity", type=parse_severity, help="urgent/ordinary/complex/major")
    p_sev.add_argument("--note")
    p_sev.add_argument("--by", default=None)
    p_sev.set_defaults(handler=cmd_severity)


def parse_status(text: str) -> TicketStatus:
    for status, label in STATUS_LABELS.items():
        if text in (status.value, label):
            return status
    raise argparse.ArgumentTypeError(
        "one of " + ", ".join(f"{s.value}/{label}" for s, label in STATUS_LABELS.items())
    )


def parse_severity(text: str) -> Severity:
    for severity, label in SEVERITY_LABELS.items():
        if text in (severity.value, label):
            return severity
    raise argparse.ArgumentTypeError("one of urgent, ordinary, complex, major")


def _actor(args: argparse.Namespace) -> lifecycle.Actor:
    return lifecycle.Actor.staff(args.by or getpass.getuser())


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    now = utcnow()
    with database(settings) as factory, factory() as session:
        statuses = [args.status] if args.status else []
        tickets = list_tickets(session=session, statuses=statuses, limit=args.limit)
        views = [view_ticket(t, now=now) for t in tickets]
        counts = status_counts(session=session)
    for view in views:
        if args.json:
            print(json.dumps(view.to_json(), ensure_ascii=False))
        else:
            late = " 超时" if view.overdue else ""
            print(
                f"{view.number}  {view.status_label}  {view.severity_label}  {view.category}  "
                f"{view.grid or '未分派'}  受理 {view.created_at}  时限 {view.due_at}{late}"
            )
    if not args.json:
        total = sum(counts.values())
        print(f"共 {total} 件，办结率 {closure_rate(counts):.1%}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory() as session:
        ticket = get_ticket(session=session, number=args.number)
        view = view_ticket(ticket, now=utcnow(), exact_location=True)
        events = [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "actor": e.actor,
                "kind": e.kind,
                "to": e.to_status,
                "note": mask_phones_in_text(e.note) if e.note else None,
            }
            for e in ticket.events
        ]
    if args.json:
        print(json.dumps({**view.to_json(), "events": events}, ensure_ascii=False))
        return 0
    for key, value in view.to_json().items():
        if value not in (None, ""):
            print(f"{key}: {value}")
    for event in events:
        print(
            f"  {event['at']}  {event['actor']}  {event['kind']} {event['to'] or ''}"
            f"  {event['note'] or ''}".rstrip()
        )
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        ticket = get_ticket(session=session, number=args.number, for_update=True)
        lifecycle.change_status(
            session=session,
            ticket=ticket,
            to=args.status,
            actor=_actor(args),
            now=utcnow(),
            note=args.note,
        )
        print(f"{ticket.number}: {STATUS_LABELS[ticket.status]}（已通知反映人）")
    return 0


def cmd_assign(args: argparse.Namespace, settings: Settings) -> int:
    if not (args.grid or args.department):
        raise TicketError("give --grid or --department")
    with database(settings) as factory, factory.begin() as session:
        ticket = get_ticket(session=session, number=args.number, for_update=True)
        lifecycle.transfer(
            session=session,
            ticket=ticket,
            actor=_actor(args),
            now=utcnow(),
            grid=args.grid,
            department=args.department,
            note=args.note,
        )
        print(f"{ticket.number}: 已派单 → {ticket.grid or ''}{ticket.department or ''}")
    return 0


def cmd_severity(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        ticket = get_ticket(session=session, number=args.number, for_update=True)
        lifecycle.change_severity(
            session=session,
            ticket=ticket,
            severity=args.severity,
            actor=_actor(args),
            now=utcnow(),
            note=args.note,
        )
        print(f"{ticket.number}: {SEVERITY_LABELS[ticket.severity]}")
    return 0
