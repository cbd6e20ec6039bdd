"""Rasa's SQL tracker store as the app reads it: the `events` table, one row per event.

The engine owns the table (it creates and appends to it); the app only reads it and deletes
what retention or a resident's "forget me" asks for, so these columns mirror Rasa 3.6's
`SQLTrackerStore.SQLEvent` and nothing here creates the table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from bot.db.session import make_engine

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@dataclass(frozen=True)
class StoredEvent:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    data: dict[str, Any]


def make_tracker_engine(url: str) -> Engine:
    return make_engine(url)


def record_exists(session: Session) -> bool:
    """False until the engine has started once against this database."""
    return inspect(session.get_bind()).has_table("events")


def sender_ids(session: Session) -> list[str]:
    if not record_exists(session):
        return []
    return list(session.scalars(select(events.c.sender_id).distinct()))


def events_of(session: Session, sender_id: str) -> list[StoredEvent]:
    """Every stored event of one conversation, all sessions, in the order the engine wrote."""
    if not record_exists(session):
        return []
    rows = session.execute(
        select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
        .where(events.c.sender_id == sender_id)
        .order_by(events.c.id)
    )
    return [_event(sender_id, *row) for row in rows]


def user_events(session: Session, *, since: float | None = None) -> list[StoredEvent]:
    """The residents' messages of every conversation (the listing's raw material)."""
    if not record_exists(session):
        return []
    query = select(
        events.c.id, events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data
    ).where(events.c.type_name == "user")
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    return [
        _event(sender, row_id, kind, stamp, data)
        for row_id, sender, kind, stamp, data in session.execute(query.order_by(events.c.id))
    ]


def _event(
    sender_id: str, row_id: int, kind: str, stamp: float | None, data: str | None
) -> StoredEvent:
    try:
        parsed = json.loads(data or "{}")
    except ValueError:
        parsed = {}
    return StoredEvent(
        id=row_id,
        sender_id=sender_id,
        type_name=kind,
        timestamp=float(stamp or 0.0),
        data=parsed if isinstance(parsed, dict) else {},
    )


def first_and_last(session: Session, senders: Sequence[str]) -> dict[str, tuple[float, float]]:
    """sender -> (first, last) event time, over every event type."""
    if not senders or not record_exists(session):
        return {}
    rows = session.execute(
        select(events.c.sender_id, func.min(events.c.timestamp), func.max(events.c.timestamp))
        .where(events.c.sender_id.in_(list(senders)))
        .group_by(events.c.sender_id)
    )
    return {sender: (float(first or 0), float(last or 0)) for sender, first, last in rows}
