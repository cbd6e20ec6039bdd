"""`jiamenkou handoff list|claim|reply|release`: staff take over a conversation from the assistant."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager

from bot.commands.tickets import database
from bot.config import Settings
from bot.engine.client import EngineAdmin
from bot.handoff.desk import HandoffDesk, HandoffView


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("handoff", help="residents waiting for a person; claim, reply, release")
    h_sub = p.add_subparsers(dest="handoff_command", required=True, metavar="COMMAND")

    p_list = h_sub.add_parser("list", help="waiting and held conversations, oldest first")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(handler=cmd_list)

    p_claim = h_sub.add_parser("claim", help="take a conversation (exclusive)")
    p_claim.add_argument("id", help="conversation id, as `handoff list` shows it")
    p_claim.add_argument("--by", required=True, help="staff name")
    p_claim.set_defaults(handler=cmd_claim)

    p_reply = h_sub.add_parser("reply", help="answer the resident through their own channel")
    p_reply.add_argument("id")
    p_reply.add_argument("text")
    p_reply.add_argument("--by", required=True)
    p_reply.set_defaults(handler=cmd_reply)

    p_release = h_sub.add_parser("release", help="hand the conversation back to the assistant")
    p_release.add_argument("id")
    p_release.add_argument("--by", required=True)
    p_release.set_defaults(handler=cmd_release)


@contextmanager
def desk(settings: Settings) -> Iterator[HandoffDesk]:
    with database(settings) as factory:
        yield HandoffDesk(
            session_factory=factory,
            control=EngineAdmin(settings.engine_url, settings.engine_token),
        )


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with desk(settings) as d:
        views = d.waiting_and_held()
    if args.json:
        print(json.dumps([v.to_json() for v in views], ensure_ascii=False, indent=2))
        return 0
    if not views:
        print("nobody is waiting for a person")
    for v in views:
        holder = f" held by {v.held_by}" if v.held_by else ""
        print(f"{v.id}  {v.state:<7} {v.channel:<8} since {v.since:%Y-%m-%d %H:%M}{holder}")
    return 0


def _done(view: HandoffView, what: str) -> int:
    print(f"{view.id}: {what}")
    return 0


def cmd_claim(args: argparse.Namespace, settings: Settings) -> int:
    with desk(settings) as d:
        return _done(d.claim(args.id, by=args.by), f"held by {args.by}; the assistant is silent")


def cmd_reply(args: argparse.Namespace, settings: Settings) -> int:
    if not args.text.strip():
        print("jiamenkou: the reply is empty")
        return 2
    with desk(settings) as d:
        return _done(d.reply(args.id, args.text, by=args.by), "reply queued for delivery")


def cmd_release(args: argparse.Namespace, settings: Settings) -> int:
    with desk(settings) as d:
        return _done(d.release(args.id, by=args.by), "released; the assistant answers again")
