"""Settings of Rasa's SQL tracker store on SQLite (the default installation's conversation
record) that cost a turn nothing to change and lose nothing when a process dies.

Rasa 3.6 runs the store's queries on the engine's event loop. On SQLite two things made every
turn wait (bench/RESULTS.md, "Per-turn cost"):
- SQLAlchemy 1.4 gives a file database no connection pool, so each retrieve and each save
  opened the file again and re-read the schema; here connections are kept (5, as SQLAlchemy 2
  does) — SQLAlchemy checks each one out to one session at a time.
- The file is in WAL mode (bot/engine/processes.py), but with SQLite's default
  `synchronous=FULL` every commit waits for the disk (fsync) while no other resident's turn
  can run. With `synchronous=NORMAL`, SQLite's recommendation for WAL, a commit survives the
  engine being killed; only a power cut can undo the last commits before a checkpoint.
PostgreSQL (production) is left as Rasa configures it. `JIAMENKOU_ACTION_POOL=0` (the
benchmark's baseline) keeps Rasa's behaviour here too.
"""

from __future__ import annotations

import os
from typing import Any

SWITCH_VARIABLE = "JIAMENKOU_ACTION_POOL"


def install() -> bool:
    if os.environ.get(SWITCH_VARIABLE, "1") == "0":
        return False
    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine, make_url
    from sqlalchemy.pool import QueuePool

    original = tracker_store.create_engine_kwargs

    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = original(url)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            kwargs.update(poolclass=QueuePool, pool_size=5, max_overflow=10)
            # A pooled connection may be used by another thread than the one that opened it
            # (never by two at once: the pool hands it to one session at a time).
            kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "check_same_thread": False}
        return kwargs

    @event.listens_for(Engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            # Only in WAL mode is NORMAL safe from corruption on a power cut.
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    tracker_store.create_engine_kwargs = create_engine_kwargs
    return True
