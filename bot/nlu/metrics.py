"""Intent and entity scores from gold examples and the engine's predictions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.nlu.reader import Example


@dataclass(frozen=True)
class Prediction:
    intent: str
    entities: frozenset[tuple[str, int, int]]  # (entity, start, end)


def f1(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(gold: list[Example], predicted: list[Prediction]) -> dict[str, object]:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted lists differ in length")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    correct = 0
    ent_tp = ent_fp = ent_fn = 0
    errors: list[dict[str, str]] = []
    for example, prediction in zip(gold, predicted, strict=True):
        if prediction.intent == example.intent:
            correct += 1
            tp[example.intent] += 1
        else:
            fn[example.intent] += 1
            fp[prediction.intent] += 1
            errors.append(
                {"text": example.text, "intent": example.intent, "predicted": prediction.intent}
            )
        gold_spans = {(e.entity, e.start, e.end) for e in example.entities}
        ent_tp += len(gold_spans & prediction.entities)
        ent_fp += len(prediction.entities - gold_spans)
        ent_fn += len(gold_spans - prediction.entities)
    # Macro over the intents of the gold file (scikit-learn's `labels=`): a prediction of a
    # label outside it (nlu_fallback, or an intent the file does not test) still costs the gold
    # intent its recall, but does not add a class of its own to the average.
    labels = sorted({e.intent for e in gold})
    per_intent = {label: round(f1(tp[label], fp[label], fn[label]), 4) for label in labels}
    n = len(gold)
    return {
        "n": n,
        "intent_accuracy": round(correct / n, 4) if n else 0.0,
        "intent_macro_f1": round(sum(per_intent.values()) / len(labels), 4) if labels else 0.0,
        "entity_f1": round(f1(ent_tp, ent_fp, ent_fn), 4),
        "entity_counts": {"tp": ent_tp, "fp": ent_fp, "fn": ent_fn},
        "per_intent_f1": per_intent,
        "fallback_rate": round(sum(p.intent == "nlu_fallback" for p in predicted) / n, 4)
        if n
        else 0.0,
        "errors": errors[:50],
    }
