import pytest

from bot.nlu.metrics import Prediction, f1, score
from bot.nlu.reader import parse_annotated


def test_f1_of_nothing_is_zero() -> None:
    assert f1(0, 0, 0) == 0.0


def test_score_counts_intents_entities_and_fallbacks() -> None:
    gold = [
        parse_annotated("你好", "greet"),
        parse_annotated("[和顺社区](community)服务站在哪", "find_station"),
        parse_annotated("附近驿站", "find_station"),
        parse_annotated("再见", "goodbye"),
    ]
    predicted = [
        Prediction("greet", frozenset()),
        Prediction("find_station", frozenset({("community", 0, 4)})),
        Prediction("nlu_fallback", frozenset({("place", 0, 2)})),
        Prediction("goodbye", frozenset()),
    ]
    result = score(gold, predicted)
    assert result["n"] == 4
    assert result["intent_accuracy"] == 0.75
    # greet 1.0, goodbye 1.0, find_station 2/3 (recall 1/2); nlu_fallback is no gold class
    assert result["intent_macro_f1"] == pytest.approx((1 + 1 + 2 / 3) / 3, abs=1e-4)
    assert set(result["per_intent_f1"]) == {"greet", "find_station", "goodbye"}  # type: ignore[arg-type]
    assert result["entity_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["fallback_rate"] == 0.25
    assert result["errors"] == [
        {"text": "附近驿站", "intent": "find_station", "predicted": "nlu_fallback"}
    ]


def test_score_refuses_lists_of_different_length() -> None:
    with pytest.raises(ValueError):
        score([parse_annotated("你好", "greet")], [])
