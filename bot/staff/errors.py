"""Named errors of staff accounts and logins; the console and the CLI turn them into words."""

from __future__ import annotations

from bot.errors import JiamenkouError


class StaffError(JiamenkouError):
    exit_code = 11
    default_message = "the staff account operation failed"


class AccountExists(StaffError):
    default_message = "an account with that name already exists"


class AccountNotFound(StaffError):
    default_message = "no staff account has that name; see `jiamenkou staff list`"


class WeakPassword(StaffError):
    default_message = "the password is too short (at least 10 characters)"


class InvalidAccount(StaffError):
    default_message = "the account details are invalid"


class LoginThrottled(StaffError):
    default_message = "too many failed logins; try again later"


class BadCredentials(StaffError):
    default_message = "wrong user name or password"
