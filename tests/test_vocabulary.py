from pathlib import Path

import pytest

from bot.vocabulary import VocabularyError, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]


def test_project_vocabulary_loads_and_maps_synonyms() -> None:
    vocabulary = load_vocabulary(ROOT / "bot" / "data" / "vocabulary.yml")
    assert vocabulary.canonical_service("电瓶车充电") == "电动车充电"
    assert vocabulary.canonical_problem_type("飞线") == "飞线充电"
    assert len(vocabulary.services) >= 15


def test_a_phrase_mapped_to_two_values_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yml"
    path.write_text("services:\n  代办: [跑腿]\n  家政服务: [跑腿]\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="跑腿"):
        load_vocabulary(path)


def test_broken_vocabulary_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yml"
    path.write_text("services: [\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(path)


def test_reply_words_have_one_meaning_each() -> None:
    vocabulary = load_vocabulary(ROOT / "bot" / "data" / "vocabulary.yml")
    kinds = vocabulary.replies
    assert {"acknowledge", "decline", "cancel", "correction"} <= set(kinds)
    words = [w for ws in kinds.values() for w in ws]
    assert len(words) == len(set(words)), "a reply word is in two lists"
    # "不用了" once meant both "no phone number" and "cancel the report".
    assert vocabulary.reply_kind("不用了") == "decline"
    assert vocabulary.reply_kind("算了。") == "cancel"
    assert vocabulary.reply_kind("好的！") == "acknowledge"
    assert vocabulary.reply_kind("和顺社区") is None


def test_a_reply_word_in_two_lists_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yml"
    path.write_text(
        "services: {}\nproblem_types: {}\nreplies:\n  decline: [不用了]\n  cancel: [不用了]\n",
        encoding="utf-8",
    )
    with pytest.raises(VocabularyError, match="不用了"):
        load_vocabulary(path)
