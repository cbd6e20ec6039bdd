"""`jiamenkou conversations list|show|export|purge`: the conversation record for staff."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from bot import china_time
from bot.config import Settings
from bot.conversations.ids import CHANNELS
from bot.conversations.listing import Filters
from bot.conversations.record import Turn
from bot.conversations.service import open_record


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("conversations", help="read the conversation record (masked)")
    c_sub = p.add_subparsers(dest="conversations_command", required=True, metavar="COMMAND")

    p_list = c_sub.add_parser("list", help="conversations, newest first")
    p_list.add_argument("--since", type=parse_since, help="ISO date or time, e.g. 2026-12-01")
    p_list.add_argument("--channel", choices=CHANNELS)
    p_list.add_argument(
        "--low-confidence",
        action="store_true",
        help="with a message understood below the threshold",
    )
    p_list.add_argument("--fallback", action="store_true", help="with a not-understood message")
    p_list.add_argument("--handoff", action="store_true", help="where a person was asked for")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(handler=cmd_list)

    p_show = c_sub.add_parser("show", help="one conversation, turn by turn")
    p_show.add_argument("id")
    p_show.add_argument("--json", action="store_true")
    p_show.set_defaults(handler=cmd_show)

    p_export = c_sub.add_parser("export", help="a conversation as a Rasa test story")
    p_export.add_argument("id")
    p_export.add_argument("--format", choices=["rasa-stories"], default="rasa-stories")
    p_export.set_defaults(handler=cmd_export)

    p_purge = c_sub.add_parser("purge", help="delete events older than the retention period")
    p_purge.add_argument(
        "--older-than", type=float, metavar="DAYS", help="default: JIAMENKOU_RETENTION_DAYS (180)"
    )
    p_purge.set_defaults(handler=cmd_purge)


def parse_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date, e.g. 2026-12-01") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=china_time.ZONE)  # staff think in local time
    return moment.astimezone(UTC)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    filters = Filters(
        since=args.since,
        channel=args.channel,
        low_confidence=args.low_confidence,
        fallback=args.fallback,
        handoff=args.handoff,
        threshold=settings.low_confidence,
    )
    with open_record(settings) as record:
        found = record.list(filters)
    if args.json:
        print(json.dumps([s.to_json() for s in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no conversations match")
        return 0
    for s in found:
        confidence = "-" if s.min_confidence is None else f"{s.min_confidence:.2f}"
        handoff = f" handoff={s.handoff}" if s.handoff else ""
        print(
            f"{s.id}  {s.channel:<8} {s.last_at:%Y-%m-%d %H:%M}  {s.messages:>3} msgs  "
            f"min_conf={confidence} fallbacks={s.fallbacks}{handoff}"
        )
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with open_record(settings) as record:
        transcript = record.show(args.id)
    if args.json:
        print(json.dumps(transcript.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"conversation {transcript.id} ({transcript.channel})")
    for turn in transcript.turns:
        print(_turn_text(turn))
    return 0


def _turn_text(turn: Turn) -> str:
    confidence = "" if turn.confidence is None else f" {turn.confidence:.2f}"
    lines = [f"[{turn.at:%Y-%m-%d %H:%M:%S}] 居民：{turn.user}"]
    others = ", ".join(f"{r['name']} {r['confidence']}" for r in turn.ranking[1:])
    lines.append(f"    intent {turn.intent}{confidence}" + (f" (also {others})" if others else ""))
    if turn.entities:
        lines.append(
            "    entities " + ", ".join(f"{e['entity']}={e['value']}" for e in turn.entities)
        )
    for text in turn.bot:
        lines.append(f"    小助手：{text}")
    for reply in turn.staff:
        lines.append(f"    工作人员 {reply['by']}：{reply['text']}")
    if turn.buttons:
        lines.append("    buttons " + " | ".join(b["title"] for b in turn.buttons))
    if turn.actions:
        lines.append("    actions " + ", ".join(turn.actions))
    if turn.slots:
        lines.append("    slots " + ", ".join(f"{k}={v}" for k, v in turn.slots.items()))
    if turn.paused:
        lines.append("    (a person held the conversation: the assistant stayed silent)")
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with open_record(settings) as record:
        print(record.export_story(args.id), end="")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    days = args.older_than if args.older_than is not None else settings.retention_days
    if days < 0:
        print("jiamenkou: --older-than must be 0 or more days")
        return 2
    with open_record(settings) as record:
        deleted = record.purge(older_than_days=days)
    print(f"deleted {deleted} conversation events older than {days:g} days")
    return 0
