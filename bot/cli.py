"""The `jiamenkou` console script: parses arguments and hands over to one command module."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from bot.commands import apikey as apikey_commands
from bot.commands import balancer as balancer_commands
from bot.commands import bookings as bookings_commands
from bot.commands import conversations as conversations_commands
from bot.commands import db as db_commands
from bot.commands import engine as engine_commands
from bot.commands import handoff as handoff_commands
from bot.commands import models as models_commands
from bot.commands import nlu as nlu_commands
from bot.commands import secrets as secrets_commands
from bot.commands import serve as serve_commands
from bot.commands import sites as sites_commands
from bot.commands import staff as staff_commands
from bot.commands import telegram as telegram_commands
from bot.commands import tickets as tickets_commands
from bot.config import Settings, load_settings
from bot.engine.environment import MASK_OUTPUT_VARIABLE
from bot.errors import JiamenkouError
from bot.privacy import install_log_masking, install_process_masking

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiamenkou", description="家门口 community assistant: engine, chat and data tools"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (
        db_commands,
        engine_commands,
        balancer_commands,
        nlu_commands,
        models_commands,
        sites_commands,
        serve_commands,
        tickets_commands,
        bookings_commands,
        apikey_commands,
        telegram_commands,
        conversations_commands,
        handoff_commands,
        secrets_commands,
        staff_commands,
    ):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Request lines would flood the terminal during readiness polling.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if os.environ.get(MASK_OUTPUT_VARIABLE) == "1":
        install_process_masking()  # started by `up`: stdout and stderr are a log file
    else:
        install_log_masking()
    try:
        settings = load_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        print(f"jiamenkou: bad configuration for {field}: {first['msg']}", file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except JiamenkouError as exc:
        print(f"jiamenkou: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
