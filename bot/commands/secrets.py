"""`jiamenkou secrets init`: this installation's own random secrets, made once by set-up."""

from __future__ import annotations

import argparse

from bot.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("secrets", help="the installation's generated secrets")
    s_sub = p.add_subparsers(dest="secrets_command", required=True, metavar="COMMAND")
    p_init = s_sub.add_parser(
        "init", help="create any missing secret file (0600); never prints one"
    )
    p_init.set_defaults(handler=cmd_init)


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    # Reading each one creates its file when neither the environment nor a file has it.
    _ = settings.engine_token, settings.action_token, settings.conversation_id_secret
    print(f"secrets ready in {settings.secrets_dir} (environment variables take precedence)")
    return 0
