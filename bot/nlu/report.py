"""The comparison report of one model on the held-out file: per-intent precision, recall and F1,
entity F1 per type, a confusion matrix, misclassified examples, and the baselines beside it."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

from bot.nlu.metrics import Prediction, f1, score
from bot.nlu.reader import Example


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def per_intent(gold: list[Example], predicted: list[Prediction]) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for example, prediction in zip(gold, predicted, strict=True):
        if prediction.intent == example.intent:
            tp[example.intent] += 1
        else:
            fn[example.intent] += 1
            fp[prediction.intent] += 1
    table = {}
    for label in sorted({e.intent for e in gold}):
        t, p, n = tp[label], fp[label], fn[label]
        table[label] = {
            "precision": round(t / (t + p), 4) if t + p else 0.0,
            "recall": round(t / (t + n), 4) if t + n else 0.0,
            "f1": round(f1(t, p, n), 4),
            "support": t + n,
        }
    return table


def per_entity(gold: list[Example], predicted: list[Prediction]) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for example, prediction in zip(gold, predicted, strict=True):
        spans = {(e.entity, e.start, e.end) for e in example.entities}
        for span in spans & prediction.entities:
            tp[span[0]] += 1
        for span in prediction.entities - spans:
            fp[span[0]] += 1
        for span in spans - prediction.entities:
            fn[span[0]] += 1
    return {
        entity: {
            "f1": round(f1(tp[entity], fp[entity], fn[entity]), 4),
            "support": tp[entity] + fn[entity],
        }
        for entity in sorted({e.entity for x in gold for e in x.entities})
    }


def confusion(gold: list[Example], predicted: list[Prediction]) -> dict[str, Any]:
    """Rows: gold intents; columns: predicted (gold intents, then anything else predicted)."""
    rows = sorted({e.intent for e in gold})
    extra = sorted({p.intent for p in predicted} - set(rows))
    columns = rows + extra
    counts = Counter((e.intent, p.intent) for e, p in zip(gold, predicted, strict=True))
    return {
        "rows": rows,
        "columns": columns,
        "matrix": [[counts[(r, c)] for c in columns] for r in rows],
    }


def model_report(gold: list[Example], predicted: list[Prediction]) -> dict[str, Any]:
    base = score(gold, predicted)
    errors = [
        {"text": e.text, "intent": e.intent, "predicted": p.intent}
        for e, p in zip(gold, predicted, strict=True)
        if e.intent != p.intent
    ]
    return {
        "n": base["n"],
        "intent_accuracy": base["intent_accuracy"],
        "intent_macro_f1": base["intent_macro_f1"],
        "entity_f1": base["entity_f1"],
        "fallback_rate": base["fallback_rate"],
        "per_intent": per_intent(gold, predicted),
        "per_entity": per_entity(gold, predicted),
        "confusion": confusion(gold, predicted),
        "misclassified": errors,
    }


def baseline_report(gold: list[Example], predicted: list[Prediction]) -> dict[str, Any]:
    base = score(gold, predicted)
    return {
        "intent_accuracy": base["intent_accuracy"],
        "intent_macro_f1": base["intent_macro_f1"],
        "per_intent": per_intent(gold, predicted),
        "misclassified": len(
            [1 for e, p in zip(gold, predicted, strict=True) if e.intent != p.intent]
        ),
    }


def draw_confusion(matrix: dict[str, Any], path: Path, *, title: str) -> Path:
    """A PNG of the confusion matrix (matplotlib without a display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, columns, values = matrix["rows"], matrix["columns"], matrix["matrix"]
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(columns), 1.0 + 0.5 * len(rows)))
    ax.imshow(values, cmap="Blues")
    ax.set_xticks(range(len(columns)), labels=columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    top = max((max(r) for r in values), default=0)
    for i, row in enumerate(values):
        for j, count in enumerate(row):
            if count:
                colour = "white" if count > top / 2 else "black"
                ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
