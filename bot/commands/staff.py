"""`jiamenkou staff create|disable|list`: accounts of the staff console."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

from bot.commands.tickets import database
from bot.config import Settings
from bot.db.columns import utcnow
from bot.db.staff import StaffRole
from bot.staff import accounts, audit
from bot.staff.errors import WeakPassword
from bot.staff.passwords import check_strength

PASSWORD_VARIABLE = "JIAMENKOU_STAFF_PASSWORD"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("staff", help="accounts of the staff console (/console/)")
    s_sub = p.add_subparsers(dest="staff_command", required=True, metavar="STAFF_COMMAND")

    p_create = s_sub.add_parser(
        "create", help=f"a new account; password from the prompt or {PASSWORD_VARIABLE}"
    )
    p_create.add_argument("username")
    p_create.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    p_create.add_argument(
        "--grid", action="append", default=[], help="a grid (网格) the account serves; repeat"
    )
    p_create.set_defaults(handler=cmd_create)

    p_disable = s_sub.add_parser("disable", help="stop an account; its logins end at once")
    p_disable.add_argument("username")
    p_disable.set_defaults(handler=cmd_disable)

    p_list = s_sub.add_parser("list", help="every account")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(handler=cmd_list)


def read_password() -> str | None:
    """From JIAMENKOU_STAFF_PASSWORD (scripts), else asked twice on the terminal."""
    from_env = os.environ.get(PASSWORD_VARIABLE)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        print(
            f"jiamenkou: no terminal to ask for the password; set {PASSWORD_VARIABLE}",
            file=sys.stderr,
        )
        return None
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("Again: ") != first:
        print("jiamenkou: the two passwords differ; nothing was created", file=sys.stderr)
        return None
    return first


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password()
    if password is None:
        return 2
    try:
        check_strength(password)
    except WeakPassword as exc:
        print(f"jiamenkou: {exc}", file=sys.stderr)
        return 2
    now = utcnow()
    role = StaffRole(args.role)
    with database(settings) as factory, factory.begin() as session:
        account = accounts.create_account(
            session=session,
            username=args.username,
            password=password,
            role=role,
            grids=args.grid,
            now=now,
        )
        audit.record(
            session=session,
            actor=f"cli:{getpass.getuser()}"[:64],
            action="account.create",
            target=account.username,
            now=now,
            details={"role": role.value, "grids": ", ".join(account.grids)},
        )
        name, grids = account.username, account.grids
    where = f" for {', '.join(grids)}" if grids else ""
    print(f"created {role.value} account {name}{where}; log in at /console/login")
    return 0


def cmd_disable(args: argparse.Namespace, settings: Settings) -> int:
    now = utcnow()
    with database(settings) as factory, factory.begin() as session:
        account = accounts.get_account(session=session, username=args.username)
        accounts.set_disabled(session=session, account=account, disabled=True)
        audit.record(
            session=session,
            actor=f"cli:{getpass.getuser()}"[:64],
            action="account.disable",
            target=account.username,
            now=now,
        )
        name = account.username
    print(f"disabled {name}; its sessions have ended")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as factory, factory() as session:
        rows: list[dict[str, Any]] = [
            {
                "username": a.username,
                "role": a.role.value,
                "grids": list(a.grids or []),
                "disabled": a.disabled,
                "created_at": a.created_at.isoformat(),
                "last_login_at": a.last_login_at.isoformat() if a.last_login_at else None,
            }
            for a in accounts.list_accounts(session=session)
        ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no staff accounts yet; create one with `jiamenkou staff create NAME --role admin`")
    for row in rows:
        state = "  disabled" if row["disabled"] else ""
        grids = ",".join(row["grids"]) or "-"
        print(f"{row['username']:<20} {row['role']:<8} {grids}{state}")
    return 0
