"""The quality gate: overall macro-F1 and per-intent F1 on intents with enough support."""

from __future__ import annotations

from typing import Any

from bot.nlu.gate import GatePolicy, gate_reasons


def report(macro: float, **intents: tuple[float, int]) -> dict[str, Any]:
    return {
        "heldout_digest": "d1",
        "intent_macro_f1": macro,
        "per_intent": {k: {"f1": f, "support": n} for k, (f, n) in intents.items()},
    }


POLICY = GatePolicy(overall_tolerance=0.01, intent_tolerance=0.05, min_support=5)


def test_a_candidate_not_worse_passes_and_nothing_serving_passes() -> None:
    serving = report(0.90, greet=(0.9, 10), thanks=(0.9, 10))
    assert gate_reasons(report(0.895, greet=(0.86, 10), thanks=(0.95, 10)), serving, POLICY) == []
    assert gate_reasons(report(0.1), None, POLICY) == []


def test_a_lost_intent_or_a_lower_macro_f1_blocks() -> None:
    serving = report(0.90, greet=(0.9, 10), thanks=(0.9, 10))
    reasons = gate_reasons(report(0.89, greet=(0.95, 10), thanks=(0.80, 10)), serving, POLICY)
    assert len(reasons) == 1 and reasons[0].startswith("thanks:")
    reasons = gate_reasons(report(0.85, greet=(0.9, 10), thanks=(0.9, 10)), serving, POLICY)
    assert len(reasons) == 1 and "macro-F1" in reasons[0]


def test_intents_with_little_support_do_not_block() -> None:
    serving = report(0.90, rare=(1.0, 2))
    assert gate_reasons(report(0.90, rare=(0.0, 2)), serving, POLICY) == []


def test_reports_on_different_heldout_files_are_not_compared() -> None:
    other = report(0.9) | {"heldout_digest": "d2"}
    assert gate_reasons(report(0.9), other, POLICY)
