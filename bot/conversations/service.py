"""The record as staff tools use it (command line now, console next): listing, one transcript,
export, retention, forgetting. Joins the engine's events with the app's handoff states."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.conversations import retention, store
from bot.conversations.export import rasa_test_story
from bot.conversations.ids import channel_of, conversation_id, find_sender
from bot.conversations.listing import Filters, Summary, summaries
from bot.conversations.record import Turn, build_turns
from bot.db.columns import utcnow
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.errors import ConversationNotFound
from bot.handoff import service as handoffs


@dataclass
class Transcript:
    id: str
    channel: str
    turns: list[Turn]
    handoff: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "handoff": self.handoff,
            "turns": [t.to_json() for t in self.turns],
        }


class ConversationRecord:
    def __init__(
        self,
        *,
        tracker_factory: sessionmaker[Session],
        app_factory: sessionmaker[Session],
        secret: str,
    ) -> None:
        self._tracker = tracker_factory
        self._app = app_factory
        self._secret = secret

    def id_of(self, sender_id: str) -> str:
        return conversation_id(sender_id, secret=self._secret)

    def list(self, filters: Filters) -> list[Summary]:
        with self._app.begin() as app:
            states = handoffs.latest_states(app)
        with self._tracker.begin() as session:
            return summaries(session, secret=self._secret, filters=filters, handoffs=states)

    def existing_ids(self, sender_ids: Iterable[str]) -> dict[str, str]:
        """sender id -> conversation id, for those of `sender_ids` the record holds."""
        with self._tracker.begin() as session:
            known = set(store.sender_ids(session))
        return {s: self.id_of(s) for s in sender_ids if s in known}

    def sender_of(self, cid: str) -> str:
        """The engine's sender id behind a conversation id (internal: never shown)."""
        with self._tracker.begin() as session:
            return self._sender(session, cid)

    def show(self, cid: str, *, masked: bool = True) -> Transcript:
        with self._tracker.begin() as session:
            sender = self._sender(session, cid)
            turns = build_turns(store.events_of(session, sender), masked=masked)
        with self._app.begin() as app:
            state = handoffs.latest_states(app).get(self.id_of(sender))
        return Transcript(self.id_of(sender), channel_of(sender), turns, state)

    def export_story(self, cid: str) -> str:
        with self._tracker.begin() as session:
            sender = self._sender(session, cid)
            return rasa_test_story(self.id_of(sender), store.events_of(session, sender))

    def purge(self, *, older_than_days: float) -> int:
        before = utcnow() - timedelta(days=older_than_days)
        with self._tracker.begin() as session:
            return retention.purge_before(session, before=before)

    def forget(self, sender_id: str, *, now: datetime | None = None) -> int:
        """Delete a resident's conversation events (their tickets stay); closes open handoffs."""
        with self._app.begin() as app:
            handoffs.close_all(app, sender_id=sender_id, now=now or utcnow())
        with self._tracker.begin() as session:
            return retention.forget_sender(session, sender_id=sender_id)

    def _sender(self, session: Session, cid: str) -> str:
        sender = find_sender(store.sender_ids(session), cid, secret=self._secret)
        if sender is None:
            raise ConversationNotFound(
                f"no conversation {cid!r}; see `jiamenkou conversations list`"
            )
        return sender


@dataclass(frozen=True)
class RecordDatabases:
    """Sessions on the conversation record (Rasa's tracker store) and on the app database."""

    tracker_factory: sessionmaker[Session]
    app_factory: sessionmaker[Session]


@contextmanager
def record_databases(settings: Settings) -> Iterator[RecordDatabases]:
    """Both databases as configured (one engine when they are the same database), the app
    database migrated first; disposed when the block ends."""
    app_engine = make_engine(settings.effective_database_url)
    tracker_engine: Engine = (
        app_engine
        if settings.effective_tracker_database_url == settings.effective_database_url
        else store.make_tracker_engine(settings.effective_tracker_database_url)
    )
    try:
        upgrade_to_head(app_engine)
        yield RecordDatabases(
            make_session_factory(tracker_engine), make_session_factory(app_engine)
        )
    finally:
        tracker_engine.dispose()
        app_engine.dispose()


@contextmanager
def open_record(settings: Settings) -> Iterator[ConversationRecord]:
    """The record on the configured databases (the app database migrated first)."""
    with record_databases(settings) as databases:
        yield ConversationRecord(
            tracker_factory=databases.tracker_factory,
            app_factory=databases.app_factory,
            secret=settings.conversation_id_secret,
        )
