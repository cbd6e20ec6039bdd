"""`jiamenkou db upgrade`: create or migrate the schema (other commands also do it on first use)."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_db = sub.add_parser("db", help="database tools")
    db_sub = p_db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    p_up = db_sub.add_parser("upgrade", help="create or migrate the schema to the newest version")
    p_up.set_defaults(handler=cmd_upgrade)


def cmd_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    return 0
