"""Conversation summaries for staff: newest first, with the filters the command line and the
console offer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.conversations import store
from bot.conversations.ids import channel_of, conversation_id
from bot.conversations.record import FALLBACK_INTENT, moment


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None
    channel: str | None = None
    low_confidence: bool = False
    fallback: bool = False
    handoff: bool = False
    threshold: float = 0.6  # "low confidence" means below this
    until: datetime | None = None  # messages before this moment only
    text: str | None = None  # some resident message contains this (case-insensitive)
    intent: str | None = None  # some resident message was understood as this intent


@dataclass
class Summary:
    id: str
    channel: str
    started_at: datetime
    last_at: datetime
    messages: int
    min_confidence: float | None
    fallbacks: int
    handoff: str | None
    sender_id: str  # internal: never shown, used to join with tickets and handoffs

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "started_at": self.started_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "messages": self.messages,
            "min_confidence": self.min_confidence,
            "fallbacks": self.fallbacks,
            "handoff": self.handoff,
        }


def summaries(
    session: Session,
    *,
    secret: str,
    filters: Filters,
    handoffs: Mapping[str, str] | None = None,
) -> list[Summary]:
    """`handoffs` maps conversation id -> the state of its latest handoff (from the app DB)."""
    handoffs = handoffs or {}
    since = filters.since.timestamp() if filters.since else None
    until = filters.until.timestamp() if filters.until else None
    wanted_text = (filters.text or "").strip().lower()
    by_sender: dict[str, Summary] = {}
    hits: set[str] = set()  # senders with a message matching the text and intent filters
    for event in store.user_events(session, since=since):
        if until is not None and event.timestamp >= until:
            continue
        if _event_matches(event, wanted_text, filters.intent):
            hits.add(event.sender_id)
        summary = by_sender.get(event.sender_id)
        if summary is None:
            cid = conversation_id(event.sender_id, secret=secret)
            summary = Summary(
                id=cid,
                channel=channel_of(event.sender_id),
                started_at=moment(event.timestamp),
                last_at=moment(event.timestamp),
                messages=0,
                min_confidence=None,
                fallbacks=0,
                handoff=handoffs.get(cid),
                sender_id=event.sender_id,
            )
            by_sender[event.sender_id] = summary
        _count(summary, event)
    spans = store.first_and_last(session, list(by_sender))
    for sender, summary in by_sender.items():
        first, last = spans.get(sender, (0.0, 0.0))
        if first:
            summary.started_at = min(summary.started_at, moment(first))
        if last:
            summary.last_at = max(summary.last_at, moment(last))
    found = [
        s
        for s in by_sender.values()
        if _matches(s, filters) and (s.sender_id in hits or not (wanted_text or filters.intent))
    ]
    return sorted(found, key=lambda s: s.last_at, reverse=True)


def _count(summary: Summary, event: store.StoredEvent) -> None:
    summary.messages += 1
    parse = event.data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    ranking = parse.get("intent_ranking") or []
    if intent.get("name") == FALLBACK_INTENT:
        summary.fallbacks += 1
        # The fallback's own confidence is 1 - threshold; what the model thought of the
        # resident's words is the best real intent.
        real = [r for r in ranking if isinstance(r, dict) and r.get("name") != FALLBACK_INTENT]
        confidence = real[0].get("confidence") if real else None
    else:
        confidence = intent.get("confidence")
    text = str(event.data.get("text") or "")
    if confidence is None or text.startswith("/"):
        return  # a button or a shared location: nothing was guessed
    value = round(float(confidence), 4)
    if summary.min_confidence is None or value < summary.min_confidence:
        summary.min_confidence = value


def _event_matches(event: store.StoredEvent, text: str, intent: str | None) -> bool:
    if text and text not in str(event.data.get("text") or "").lower():
        return False
    if intent:
        parsed = (event.data.get("parse_data") or {}).get("intent") or {}
        return bool(parsed.get("name") == intent)
    return True


def _matches(summary: Summary, filters: Filters) -> bool:
    if filters.channel and summary.channel != filters.channel:
        return False
    if filters.low_confidence and not (
        summary.min_confidence is not None and summary.min_confidence < filters.threshold
    ):
        return False
    if filters.fallback and summary.fallbacks == 0:
        return False
    return not (filters.handoff and summary.handoff is None)
