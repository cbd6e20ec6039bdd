"""vocabulary.yml `service_phrases`: how each service reads inside a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.vocabulary import Vocabulary, VocabularyError, load_vocabulary


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_vocabulary(Settings().vocabulary_file)


def test_every_service_has_a_phrase(vocabulary: Vocabulary) -> None:
    missing = [name for name in vocabulary.services if name not in vocabulary.service_phrases]
    assert missing == []


def test_phrases_are_verb_phrases_ready_for_de(vocabulary: Vocabulary) -> None:
    # "有3个{phrase}的站点": a phrase must start like a predicate, not a bare noun (可以社区服务).
    starts = ("提供", "能", "有")
    odd = {k: v for k, v in vocabulary.service_phrases.items() if not v.startswith(starts)}
    assert odd == {}


@pytest.mark.parametrize(
    ("service", "phrase"),
    [("法律援助", "提供法律援助"), ("休息", "能歇脚"), ("长者食堂", "有长者食堂"),
     ("手机充电", "能给手机充电"), ("饮水", "能喝水"), ("微波炉", "能热饭")],
)  # fmt: skip
def test_the_phrases_read_as_chinese(vocabulary: Vocabulary, service: str, phrase: str) -> None:
    assert vocabulary.service_phrase(service) == phrase


def test_a_service_without_a_phrase_still_reads_plainly() -> None:
    bare = Vocabulary(services={"代办": []}, problem_types={}, site_kinds={}, communities=[],
                      landmarks=[])  # fmt: skip
    assert bare.service_phrase("代办") == "提供代办服务"


def test_phrases_do_not_leak_into_the_nlu_terms(vocabulary: Vocabulary) -> None:
    # They are not what residents type: no jieba word, synonym or lookup entry.
    assert not set(vocabulary.service_phrases.values()) & set(vocabulary.all_terms())


def test_with_places_keeps_the_phrases(vocabulary: Vocabulary) -> None:
    assert vocabulary.with_places(["新地方"]).service_phrases == vocabulary.service_phrases


@pytest.mark.parametrize(
    ("phrases", "error"),
    [
        ("  剪头发: 能剪头发\n", "not a service"),
        ("  代办: 能代办事务的\n", "must not end with 的"),
        ("  代办: 能 代办\n", "without spaces"),
        ("  代办: [能代办]\n", "without spaces"),
    ],
)
def test_bad_phrases_are_rejected(tmp_path: Path, phrases: str, error: str) -> None:
    path = tmp_path / "vocabulary.yml"
    text = "services:\n  代办: [跑腿]\nproblem_types: {}\nservice_phrases:\n" + phrases
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match=error):
        load_vocabulary(path)
