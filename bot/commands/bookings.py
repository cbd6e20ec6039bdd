"""Staff tools for bookings (`jiamenkou bookings slots|list|show|cancel|close-day|extra-session|confirm|offer`) and
`jiamenkou dates parse`, the conversation's date parser exposed for checking."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json

from sqlalchemy.orm import Session

from bot import china_time
from bot.bookings import service as bookings
from bot.bookings.dates import parse_when
from bot.bookings.errors import DateNotUnderstood
from bot.bookings.slots import offer_for, slots_on
from bot.commands.tickets import database
from bot.config import Settings
from bot.db.bookings import Booking, BookingOffer, BookingStatus
from bot.db.columns import utcnow
from bot.db.sites import Site
from bot.privacy import mask_address, mask_phone, mask_phones_in_text
from bot.sites.errors import SiteNotFound
from bot.sites.lookup import find_site_by_name
from bot.sites.services import resolve_service
from bot.templates.notifications import BOOKING_STATUS_LABELS, slot_label
from bot.vocabulary import load_vocabulary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bookings", help="staff tools for bookings (预约)")
    b_sub = p.add_subparsers(dest="bookings_command", required=True, metavar="BOOKINGS_COMMAND")

    p_slots = b_sub.add_parser("slots", help="a site's slots for a service on a day")
    p_slots.add_argument("--site", required=True, help="site id or name")
    p_slots.add_argument("--service", required=True, help="e.g. 法律援助 or 律师")
    p_slots.add_argument("--date", required=True, type=_day, help="YYYY-MM-DD")
    p_slots.add_argument("--json", action="store_true")
    p_slots.set_defaults(handler=cmd_slots)

    p_list = b_sub.add_parser("list", help="bookings, soonest first")
    p_list.add_argument("--site", help="site id or name")
    p_list.add_argument("--date", type=_day, help="YYYY-MM-DD")
    p_list.add_argument("--status", type=parse_status, help="booked/已预约, pending/待确认 …")
    p_list.add_argument("--json", action="store_true", help="a JSON list")
    p_list.set_defaults(handler=cmd_list)

    p_show = b_sub.add_parser("show", help="one booking with its history")
    p_show.add_argument("number", help="YY000123")
    p_show.add_argument("--json", action="store_true")
    p_show.set_defaults(handler=cmd_show)

    p_cancel = b_sub.add_parser("cancel", help="cancel; the resident is told, with other times")
    p_cancel.add_argument("number")
    p_cancel.add_argument("--note", required=True, help="the reason residents read")
    p_cancel.add_argument("--by", default=None, help="staff name (default: login name)")
    p_cancel.set_defaults(handler=cmd_cancel)

    p_close = b_sub.add_parser("close-day", help="close a site for bookings on a day")
    p_close.add_argument("--site", required=True)
    p_close.add_argument("--date", required=True, type=_day)
    p_close.add_argument("--note", required=True)
    p_close.add_argument("--by", default=None)
    p_close.set_defaults(handler=cmd_close_day)

    p_extra = b_sub.add_parser(
        "extra-session", help="open a service for extra hours on a day (also a day normally shut)"
    )
    p_extra.add_argument("--site", required=True, help="site id or name")
    p_extra.add_argument("--service", required=True, help="e.g. 义诊 or 法律咨询")
    p_extra.add_argument("--date", required=True, type=_day)
    p_extra.add_argument("--from", dest="opens", required=True, type=_clock, help="HH:MM")
    p_extra.add_argument("--to", dest="closes", required=True, type=_clock, help="HH:MM")
    p_extra.add_argument("--note", default="", help="what the session is, for staff")
    p_extra.add_argument("--json", action="store_true")
    p_extra.set_defaults(handler=cmd_extra_session)

    p_confirm = b_sub.add_parser("confirm", help="confirm a home-service booking (待确认)")
    p_confirm.add_argument("number")
    p_confirm.add_argument("--by", default=None)
    p_confirm.set_defaults(handler=cmd_confirm)

    p_offer = b_sub.add_parser(
        "offer", help="show or tune a site's offer: slot length, capacity, what to bring"
    )
    p_offer.add_argument("--site", required=True, help="site id or name")
    p_offer.add_argument("--service", required=True, help="e.g. 健康检测 or 义诊")
    p_offer.add_argument("--slot-minutes", type=int, default=None)
    p_offer.add_argument("--capacity", type=int, default=None, help="places per slot")
    p_offer.add_argument("--bring", default=None, help="what residents should bring")
    p_offer.add_argument("--json", action="store_true")
    p_offer.set_defaults(handler=cmd_offer)

    d = sub.add_parser("dates", help="the booking conversation's date parser")
    d_sub = d.add_subparsers(dest="dates_command", required=True, metavar="DATES_COMMAND")
    p_parse = d_sub.add_parser("parse", help="parse an everyday Chinese date or time")
    p_parse.add_argument("text")
    p_parse.add_argument("--now", type=_moment, help="ISO-8601 (naive = Asia/Shanghai)")
    p_parse.add_argument("--json", action="store_true")
    p_parse.set_defaults(handler=cmd_dates_parse)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a date like 2026-11-28") from None


def _clock(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a time of day like 14:30") from None


def _moment(text: str) -> dt.datetime:
    try:
        return china_time.to_china(dt.datetime.fromisoformat(text))
    except ValueError:
        raise argparse.ArgumentTypeError("an ISO-8601 time like 2026-11-25T10:00") from None


def parse_status(text: str) -> BookingStatus:
    for value, label in BOOKING_STATUS_LABELS.items():
        if text in (value, label):
            return BookingStatus(value)
    raise argparse.ArgumentTypeError(
        "one of " + ", ".join(f"{v}/{label}" for v, label in BOOKING_STATUS_LABELS.items())
    )


def find_site(session: Session, text: str) -> Site:
    site = session.get(Site, int(text)) if text.isdigit() else None
    site = site or find_site_by_name(session=session, text=text)
    if site is None:
        raise SiteNotFound(f"no site '{text}'; see `jiamenkou sites export`")
    return site


def site_offer(
    session: Session, settings: Settings, args: argparse.Namespace
) -> tuple[Site, BookingOffer]:
    """The site (`--site`, id or name) and its offer of `--service` (a colloquial name too)."""
    service = resolve_service(load_vocabulary(settings.vocabulary_file), args.service)
    site = find_site(session, args.site)
    return site, offer_for(session=session, site=site, service=service)


def _actor(args: argparse.Namespace) -> str:
    return f"staff:{args.by or getpass.getuser()}"


def booking_json(booking: Booking, *, exact_address: bool = False) -> dict[str, object]:
    """`exact_address` for the staff who go there (`show`); listings mask it. Phones: masked."""
    address = booking.address if exact_address else mask_address(booking.address) or None
    return {
        "number": booking.number,
        "status": booking.status.value,
        "status_label": BOOKING_STATUS_LABELS[booking.status.value],
        "service": booking.service,
        "site_id": booking.site_id,
        "site": booking.site.name,
        "start": china_time.to_china(booking.starts_at).isoformat(),
        "end": china_time.to_china(booking.ends_at).isoformat(),
        "people": booking.people,
        "phone": mask_phone(booking.phone) if booking.phone else None,
        "address": address,
        "grid": booking.grid,
        "channel": booking.channel,
        "note": booking.status_note,
    }


def cmd_slots(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        site, offer = site_offer(session, settings, args)
        views = slots_on(session=session, offer=offer, day=args.date, now=china_time.now())
        if args.json:
            print(json.dumps([v.to_json() for v in views], ensure_ascii=False))
            return 0
        if not china_time.calendar_known(args.date.year):
            print(f"注意：{args.date.year}年的节假日安排尚未公布，按平常周末计算。")
        print(f"{site.name} {offer.service} {args.date}（每段{offer.slot_minutes}分钟）")
        for view in views:
            print(f"  {view.start:%H:%M}-{view.end:%H:%M}  余{view.free}/{view.capacity}")
        if not views:
            print("  这天没有可预约的时间")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory() as session:
        site_id = find_site(session, args.site).id if args.site else None
        found = bookings.list_bookings(
            session=session, site_id=site_id, day=args.date, status=args.status
        )
        rows = [booking_json(b) for b in found]
        labels = [slot_label(b.starts_at, b.ends_at) for b in found]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for row, label in zip(rows, labels, strict=True):
        print(f"{row['number']}  {row['status_label']}  {label}  {row['service']}  {row['site']}")
    print(f"共 {len(rows)} 个预约")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory() as session:
        booking = bookings.get_booking(session=session, number=args.number)
        row = booking_json(booking, exact_address=True)
        events = [
            {
                "at": china_time.to_china(e.at).isoformat(timespec="seconds"),
                "actor": e.actor,
                "kind": e.kind,
                "to": e.to_status,
                "note": mask_phones_in_text(e.note) if e.note else None,
                "details": e.details,
            }
            for e in booking.events
        ]
    if args.json:
        print(json.dumps({**row, "events": events}, ensure_ascii=False))
        return 0
    for key, value in row.items():
        if value not in (None, ""):
            print(f"{key}: {value}")
    for event in events:
        line = f"  {event['at']}  {event['actor']}  {event['kind']} {event['to'] or ''}"
        print(f"{line}  {event['note'] or ''}".rstrip())
    return 0


def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        booking = bookings.get_booking(session=session, number=args.number, for_update=True)
        bookings.cancel(
            session=session, booking=booking, now=utcnow(), actor=_actor(args), note=args.note
        )
        print(f"{booking.number}: 已取消（已通知预约人）")
    return 0


def cmd_close_day(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        site = find_site(session, args.site)
        cancelled = bookings.close_day(
            session=session,
            site=site,
            day=args.date,
            note=args.note,
            actor=_actor(args),
            now=utcnow(),
        )
        numbers = "、".join(b.number for b in cancelled) or "无"
        print(f"{site.name} {args.date} 不接受预约；已取消并通知：{numbers}")
    return 0


def cmd_extra_session(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        site, offer = site_offer(session, settings, args)
        bookings.add_extra_session(
            session=session, offer=offer, day=args.date, opens=args.opens, closes=args.closes,
            note=args.note, now=utcnow(),
        )  # fmt: skip
        slots = slots_on(session=session, offer=offer, day=args.date, now=china_time.now())
        rows = [slot.to_json() for slot in slots]
    if args.json:
        print(
            json.dumps(
                {"site": site.name, "service": offer.service, "slots": rows}, ensure_ascii=False
            )
        )
    else:
        print(f"{site.name} {offer.service} {args.date} 加开后共 {len(rows)} 个可约时段")
    return 0


def cmd_offer(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        site, offer = site_offer(session, settings, args)
        bookings.tune_offer(
            session=session, offer=offer, now=utcnow(), slot_minutes=args.slot_minutes,
            capacity=args.capacity, bring=args.bring,
        )  # fmt: skip
        row = {
            "site_id": site.id,
            "site": site.name,
            "service": offer.service,
            "slot_minutes": offer.slot_minutes,
            "capacity": offer.capacity,
            "per_person": offer.per_person,
            "bring": offer.bring,
        }
    if args.json:
        print(json.dumps(row, ensure_ascii=False))
    else:
        for key, value in row.items():
            print(f"{key}: {value}")
    return 0


def cmd_confirm(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        booking = bookings.get_booking(session=session, number=args.number, for_update=True)
        bookings.confirm(session=session, booking=booking, now=utcnow(), actor=_actor(args))
        print(f"{booking.number}: 已预约（已通知预约人）")
    return 0


def cmd_dates_parse(args: argparse.Namespace, settings: Settings) -> int:
    try:
        when = parse_when(args.text, now=args.now)
    except DateNotUnderstood as error:
        if args.json:
            print(json.dumps({"error": str(error)}, ensure_ascii=False))
            return error.exit_code
        raise
    if args.json:
        print(json.dumps(when.to_json(), ensure_ascii=False))
    else:
        print(f"{when.text}: {when.start.isoformat()} – {when.end.isoformat()} ({when.grain})")
    return 0
