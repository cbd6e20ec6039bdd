"""`jiamenkou apikey create NAME` / `revoke NAME`: keys for Open311 clients."""

from __future__ import annotations

import argparse

from bot.commands.tickets import database
from bot.config import Settings
from bot.db.columns import utcnow
from bot.web.api_keys import create_api_key, revoke_api_key


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("apikey", help="API keys for Open311 clients")
    k_sub = p.add_subparsers(dest="apikey_command", required=True, metavar="APIKEY_COMMAND")
    p_create = k_sub.add_parser("create", help="make a key; it is printed once, only a hash kept")
    p_create.add_argument("name", help="the client, e.g. city-12345-hotline")
    p_create.set_defaults(handler=cmd_create)
    p_revoke = k_sub.add_parser("revoke", help="stop a key from working")
    p_revoke.add_argument("name")
    p_revoke.set_defaults(handler=cmd_revoke)


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        key = create_api_key(session=session, name=args.name, now=utcnow())
    # Printed only after the commit: a key that was never stored is never shown.
    print(key)
    print(f"API key for '{args.name.strip()}' created; it is not shown again.", flush=True)
    return 0


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory.begin() as session:
        revoke_api_key(session=session, name=args.name, now=utcnow())
    print(f"API key '{args.name}' revoked.")
    return 0
