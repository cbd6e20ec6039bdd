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
