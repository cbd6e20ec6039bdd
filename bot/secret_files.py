"""Secrets generated per installation and kept in files only the owner can read (0600).

The engine token and the action-server token are random for each checkout or deployment,
made on first use (`scripts/setup.sh` makes them up front), never a fixed default that every
installation shares. An environment variable overrides the file (containers, secret stores).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from bot.errors import ConfigError


def read_or_create(path: Path) -> str:
    """The secret in `path`, created (32 random bytes, URL-safe) if the file does not exist."""
    with contextlib.suppress(FileNotFoundError):
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL: two processes starting at once must not each write a different secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    return _read(path)


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"{path} can be read by other users (mode {mode:o}); run `chmod 600 {path}`"
        )
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ConfigError(f"{path} is empty; delete it to have a new secret generated")
    return value


def rotate(path: Path) -> str:
    """Replace the secret with a new one (the processes using it must be restarted)."""
    path.unlink(missing_ok=True)
    return read_or_create(path)
