"""The generated training artefacts: the jieba user dictionary and Rasa synonyms/lookups."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.engine.artifacts import nlu_yaml, userdict_text, write_artifacts
from bot.vocabulary import Vocabulary


def small_vocabulary() -> Vocabulary:
    return Vocabulary(
        services={"电动车充电": ["电瓶车充电", "充电桩"]},
        problem_types={"飞线充电": ["飞线", "拉电线充电"], "其他": []},
        site_kinds={"党群服务站": []},
        communities=["和顺社区"],
        landmarks=["人民路"],
    )


def test_userdict_keeps_domain_words_whole_for_jieba() -> None:
    text = userdict_text(small_vocabulary().with_places(["楼道路灯", "和顺社区"]))
    words = [line.split()[0] for line in text.splitlines()]
    assert "电瓶车充电" in words and "楼道路灯" in words
    assert words.count("和顺社区") == 1


def test_generated_nlu_has_synonyms_and_lookups() -> None:
    data = yaml.safe_load(nlu_yaml(small_vocabulary()))
    synonyms = {item["synonym"]: item["examples"] for item in data["nlu"] if "synonym" in item}
    lookups = {item["lookup"]: item["examples"] for item in data["nlu"] if "lookup" in item}
    assert "- 电瓶车充电\n" in synonyms["电动车充电"]
    assert "其他" not in synonyms  # no synonyms, no entry
    assert set(lookups) == {"service", "problem_type", "community", "place"}


def test_write_artifacts_leaves_unchanged_files_untouched(tmp_path: Path) -> None:
    userdict, generated = write_artifacts(small_vocabulary(), tmp_path)
    before = (userdict.stat().st_mtime_ns, generated.stat().st_mtime_ns)
    write_artifacts(small_vocabulary(), tmp_path)
    assert (userdict.stat().st_mtime_ns, generated.stat().st_mtime_ns) == before
