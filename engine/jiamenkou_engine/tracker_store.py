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


KEPT_VARIABLE = "JIAMENKOU_KEPT_TRACKERS"
KEPT_DEFAULT = 500


def install_kept_trackers() -> bool:
    """Keep the trackers this process saved, so a resident's next turn does not rebuild theirs.

    Rasa's SQL store reads every event of the session and replays it into a new tracker at the
    start of each turn, and at the end counts the stored events again to find the new ones:
    work that grows with the conversation (about a sixth of a turn's CPU, bench/RESULTS.md).
    Here the tracker a turn saved is kept (the last `JIAMENKOU_KEPT_TRACKERS`, default 500,
    0 = off) with the id of the sender's newest stored event. The next retrieve asks the
    database only for that id: if it is unchanged, nothing was written since (the lock store
    lets one process at a time work on a sender, whichever replica), and the kept tracker is
    the one a full read would build; if another replica answered in between, or the record
    was deleted, it is read in full as before. A kept tracker is handed to one caller only
    (taken out until saved again), so a reader never sees a turn still in progress; a turn
    that failed before saving leaves nothing behind. Saving inserts the events past those
    already stored, known from the tracker itself rather than counted again.
    """
    if os.environ.get(SWITCH_VARIABLE, "1") == "0":
        return False
    size = int(os.environ.get(KEPT_VARIABLE, KEPT_DEFAULT))
    if size <= 0:
        return False
    import json
    from collections import OrderedDict

    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.constants import INTENT_NAME_KEY

    original_retrieve = SQLTrackerStore._retrieve
    original_save = SQLTrackerStore.save
    # On the tracker object: (store, domain, events stored, newest stored event id).
    stored_mark = "_jiamenkou_stored"

    def kept(store: Any) -> OrderedDict[str, DialogueStateTracker]:
        cache = store.__dict__.get("_jiamenkou_kept")
        if cache is None:
            cache = store.__dict__["_jiamenkou_kept"] = OrderedDict()
        return cache

    def newest_id(store: Any, session: Any, sender_id: str) -> int | None:
        table = store.SQLEvent
        return session.query(sa.func.max(table.id)).filter(table.sender_id == sender_id).scalar()

    async def _retrieve(
        self: Any, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions or not self.domain:
            return await original_retrieve(self, sender_id, fetch_events_from_all_sessions)
        tracker = kept(self).pop(sender_id, None)
        with self.session_scope() as session:
            newest = newest_id(self, session, sender_id)
        if tracker is not None:
            _owner, domain, count, last_id = getattr(tracker, stored_mark)
            if domain is self.domain and last_id == newest and len(tracker.events) == count:
                return tracker
        tracker = await original_retrieve(self, sender_id, False)
        if tracker is not None and newest is not None:
            setattr(tracker, stored_mark, (self, self.domain, len(tracker.events), newest))
        return tracker

    async def save(self: Any, tracker: DialogueStateTracker) -> None:
        mark = getattr(tracker, stored_mark, None)
        if mark is None or mark[0] is not self or self.event_broker is not None:
            # Not read here (or events go to a broker, which Rasa diffs itself): Rasa's save.
            kept(self).pop(tracker.sender_id, None)
            await original_save(self, tracker)
            return
        _, _, count, last_id = mark
        events = list(tracker.events)
        rows = []
        for event in events[count:]:
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(
                        INTENT_NAME_KEY
                    ),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        with self.session_scope() as session:
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
                last_id = newest_id(self, session, tracker.sender_id)
            session.commit()
        setattr(tracker, stored_mark, (self, self.domain, len(events), last_id))
        # A tracker holding an earlier session too (one started in this turn) is not what a
        # read of the latest session gives: let the next turn read that session afresh.
        starts = [i for i, e in enumerate(events) if isinstance(e, SessionStarted)]
        if not starts or starts[-1] <= 1:
            cache = kept(self)
            cache[tracker.sender_id] = tracker
            cache.move_to_end(tracker.sender_id)
            while len(cache) > size:
                cache.popitem(last=False)

    SQLTrackerStore._retrieve = _retrieve
    SQLTrackerStore.save = save
    return True
