"""The engine's endpoints file, written from settings at start: action server, Rasa's SQL tracker
store (the conversation record) and, when Redis is configured, Rasa's Redis lock store."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from sqlalchemy.engine import make_url

from bot.errors import JiamenkouError

# Lock keys of this project in a Redis that may serve other programs too.
LOCK_KEY_PREFIX = "jiamenkou"


class BadStoreUrl(JiamenkouError):
    exit_code = 2


def rasa_tracker_url(app_url: str) -> str:
    """The engine's SQLAlchemy 1.4 URL for the same database the app reaches with SQLAlchemy 2:
    the engine environment has psycopg2 (Rasa's default PostgreSQL driver), not psycopg 3."""
    url = make_url(app_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    raise BadStoreUrl(
        f"the conversation record needs SQLite or PostgreSQL, not {backend!r} "
        "(TRACKER_DATABASE_URL / DATABASE_URL)"
    )


def redis_lock_store(redis_url: str) -> dict[str, Any]:
    """Rasa's `lock_store` section for a redis://[user:password@]host[:port][/db] URL."""
    url = make_url(redis_url.replace("redis://", "redis+x://", 1))
    if not redis_url.startswith(("redis://", "rediss://")) or not url.host:
        raise BadStoreUrl(f"REDIS_URL must look like redis://host:6379/0, not {redis_url!r}")
    section: dict[str, Any] = {
        "type": "redis",
        "url": url.host,
        "port": url.port or 6379,
        "db": int(url.database or 0),
        "key_prefix": LOCK_KEY_PREFIX,
    }
    if url.username:
        section["username"] = unquote(url.username)
    if url.password:
        section["password"] = unquote(str(url.password))
    if redis_url.startswith("rediss://"):
        section["use_ssl"] = True
    return section


def endpoints(
    *,
    action_url: str,
    tracker_url: str | None,
    redis_url: str | None,
    action_token: str | None = None,
) -> dict[str, Any]:
    """The endpoints as Rasa reads them; `tracker_url` None keeps conversations in memory (a
    throwaway engine for NLU evaluation)."""
    config: dict[str, Any] = {"action_endpoint": {"url": action_url}}
    if action_token:  # Rasa sends it as ?token=…; bot.action_server refuses calls without it
        config["action_endpoint"]["token"] = action_token
    if tracker_url is not None:
        config["tracker_store"] = {"type": "SQL", "url": rasa_tracker_url(tracker_url)}
    if redis_url:
        config["lock_store"] = redis_lock_store(redis_url)
    return config


def write_endpoints(
    path: Path,
    *,
    action_url: str,
    tracker_url: str | None,
    redis_url: str | None,
    action_token: str | None = None,
) -> Path:
    """Write the file (0600: it holds the action token, maybe database and Redis passwords)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(
        endpoints(
            action_url=action_url,
            tracker_url=tracker_url,
            redis_url=redis_url,
            action_token=action_token,
        ),
        sort_keys=False,
    )
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")
    return path
