"""The trainer's inbox: resident messages the model was unsure of, grouped and ranked.

A message comes in when it was understood below the confidence threshold, fell back, was
contradicted by the resident's next message (不对, 不是, a deny, asking for a person) or was
written while a person held the conversation. Near-duplicates (same normalised text, or
character-bigram similarity at or above `GROUP_SIMILARITY`) form one item; items are ranked by
how often they came, then by how recently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.conversations.record import FALLBACK_INTENT, Turn
from bot.nlu.similarity import normalise, similarity

GROUP_SIMILARITY = 0.75
_CONTRADICTION_STARTS = ("不对", "不是", "错了", "搞错", "不是这个", "说错", "答非所问", "没听懂")
_CONTRADICTING_INTENTS = frozenset({"deny", "human_handoff"})
# Answers to the assistant's own questions: a low score on 好的/不用 says nothing about the NLU.
_NOT_CONTRADICTABLE = frozenset({"affirm", "deny", "human_handoff"})


@dataclass
class InboxItem:
    id: str
    text: str  # the first message of the group, masked
    count: int
    first_at: datetime
    last_at: datetime
    reasons: set[str] = field(default_factory=set)
    suggestions: list[dict[str, Any]] = field(default_factory=list)  # the model's top three
    variants: list[str] = field(default_factory=list)  # other wordings grouped here
    conversations: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "count": self.count,
            "conversations": len(self.conversations),
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "reasons": sorted(self.reasons),
            "suggestions": self.suggestions,
            "variants": self.variants,
        }


def item_id(text: str) -> str:
    return "i" + hashlib.sha256(normalise(text).encode()).hexdigest()[:10]


def reasons_for(turns: list[Turn], index: int, *, threshold: float) -> set[str]:
    turn = turns[index]
    reasons: set[str] = set()
    if turn.paused:
        reasons.add("handoff")
    if turn.intent == FALLBACK_INTENT:
        reasons.add("fallback")
    elif turn.confidence is not None and turn.confidence < threshold:
        reasons.add("low_confidence")
    following = turns[index + 1] if index + 1 < len(turns) else None
    if following is not None and turn.intent not in _NOT_CONTRADICTABLE and not turn.paused:
        said = normalise(following.user)
        if following.intent in _CONTRADICTING_INTENTS or said.startswith(_CONTRADICTION_STARTS):
            reasons.add("contradicted")
    return reasons


def collect_inbox(
    conversations: Iterable[tuple[str, list[Turn]]],
    *,
    threshold: float,
    decided: frozenset[str] = frozenset(),
    known_texts: frozenset[str] = frozenset(),
) -> list[InboxItem]:
    """`conversations`: (conversation id, turns, oldest first). `decided`: inbox ids already
    annotated or dismissed; `known_texts`: normalised texts already in the training data."""
    candidates: list[tuple[str, Turn, set[str]]] = []
    for cid, turns in conversations:
        for index, turn in enumerate(turns):
            if not turn.user.strip() or turn.user.startswith(("/", "[位置")):
                continue  # button payloads and shared points are not language
            reasons = reasons_for(turns, index, threshold=threshold)
            if reasons and normalise(turn.user) not in known_texts:
                candidates.append((cid, turn, reasons))
    candidates.sort(key=lambda c: c[1].at)
    items: list[InboxItem] = []
    for cid, turn, reasons in candidates:
        group = next((g for g in items if _same(g, turn.user)), None)
        if group is None:
            group = InboxItem(item_id(turn.user), turn.user, 0, turn.at, turn.at)
            items.append(group)
        elif normalise(turn.user) not in {normalise(t) for t in [group.text, *group.variants]}:
            group.variants.append(turn.user)
        group.count += 1
        group.last_at = max(group.last_at, turn.at)
        group.reasons |= reasons
        group.conversations.add(cid)
        group.suggestions = [
            r for r in turn.ranking if r.get("name") and r.get("name") != FALLBACK_INTENT
        ][:3]
    kept = [g for g in items if g.id not in decided]
    kept.sort(key=lambda g: (-g.count, -g.last_at.timestamp()))
    return kept


def _same(group: InboxItem, text: str) -> bool:
    if normalise(group.text) == normalise(text):
        return True
    return similarity(group.text, text) >= GROUP_SIMILARITY or any(
        similarity(v, text) >= GROUP_SIMILARITY for v in group.variants
    )
