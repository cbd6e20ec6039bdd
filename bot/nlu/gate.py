"""The quality gate: a candidate may replace the serving model only if it is not worse beyond a
tolerance, overall and on every intent with enough held-out examples to judge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GatePolicy:
    overall_tolerance: float = 0.01  # macro-F1 may drop at most this much
    intent_tolerance: float = 0.05  # per-intent F1 may drop at most this much …
    min_support: int = 5  # … on intents with at least this many held-out examples


def gate_reasons(
    candidate: dict[str, Any], serving: dict[str, Any] | None, policy: GatePolicy
) -> list[str]:
    """Empty when the candidate may be promoted; otherwise one sentence per failed check."""
    if serving is None:
        return []
    if candidate.get("heldout_digest") != serving.get("heldout_digest"):
        return ["the two reports were made on different held-out files; evaluate both again"]
    reasons = []
    new, old = float(candidate["intent_macro_f1"]), float(serving["intent_macro_f1"])
    if new < old - policy.overall_tolerance:
        reasons.append(
            f"intent macro-F1 {new:.3f} is below the serving model's {old:.3f} "
            f"by more than {policy.overall_tolerance:.2f}"
        )
    old_intents: dict[str, dict[str, float]] = serving.get("per_intent") or {}
    for intent, row in sorted((candidate.get("per_intent") or {}).items()):
        before = old_intents.get(intent)
        if before is None or before["support"] < policy.min_support:
            continue
        if row["f1"] < before["f1"] - policy.intent_tolerance:
            reasons.append(
                f"{intent}: F1 {row['f1']:.3f} against {before['f1']:.3f} now "
                f"({int(before['support'])} held-out examples; tolerance {policy.intent_tolerance:.2f})"
            )
    return reasons
