"""The two baselines learn from examples and predict intents on new text."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.baselines import (
    NO_MATCH,
    KeywordMatcher,
    TfidfLogReg,
    baseline_predictions,
    jieba_tokenizer,
)
from bot.nlu.metrics import score
from bot.nlu.reader import Example, read_nlu_file

ROOT = Path(__file__).resolve().parents[2]


def ex(text: str, intent: str) -> Example:
    return Example(text, intent, ())


TRAIN = [
    ex("附近的驿站在哪", "find_station"),
    ex("最近的驿站怎么走", "find_station"),
    ex("驿站在哪里", "find_station"),
    ex("楼道灯坏了", "report_problem"),
    ex("路灯坏了没人修", "report_problem"),
    ex("电梯坏了", "report_problem"),
]


def test_keyword_matcher_votes_by_words_only_one_intent_uses() -> None:
    matcher = KeywordMatcher(jieba_tokenizer(None)).fit(TRAIN)
    assert matcher.predict(["驿站远吗", "水管坏了", "今天天气"]) == [
        "find_station",
        "report_problem",
        NO_MATCH,
    ]


def test_tfidf_logistic_regression_learns_the_intents() -> None:
    model = TfidfLogReg(jieba_tokenizer(None)).fit(TRAIN)
    assert model.predict(["驿站在哪儿", "门口的灯坏了"]) == ["find_station", "report_problem"]


def test_baselines_on_the_project_data_score_the_heldout_file() -> None:
    train = [
        e
        for p in sorted((ROOT / "nlu_data").glob("*.yml"))
        for e in read_nlu_file(p, require_examples=False)
    ]
    heldout = read_nlu_file(ROOT / "tests" / "data" / "nlu_heldout.yml")
    predicted = baseline_predictions(train, heldout, userdict_dir=ROOT / "build" / "jieba_userdict")
    tfidf = score(heldout, predicted["tfidf_lr"])["intent_macro_f1"]
    keyword = score(heldout, predicted["keyword"])["intent_macro_f1"]
    assert isinstance(tfidf, float) and isinstance(keyword, float)
    assert tfidf > keyword > 0.3  # the learnt baseline beats the keyword list
