"""Annotation on a copy of the project's data: the right file and block, refusals that say
where, and files that stay valid Rasa YAML with their comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import AnnotationRefused
from bot.nlu.annotate import add_example, clean_line, insert_line
from bot.nlu.reader import read_nlu_file
from tests.helpers.trainer_project import copy_data


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_data(tmp_path / "home")


def add(home: Path, text: str, intent: str, **kwargs: frozenset[str]) -> Path:
    return add_example(
        text=text,
        intent=intent,
        nlu_dir=home / "nlu_data",
        domain_dir=home / "engine" / "domain",
        heldout=home / "tests" / "data" / "nlu_heldout.yml",
        **kwargs,
    ).file


def examples(path: Path) -> dict[str, str]:
    return {e.text: e.intent for e in read_nlu_file(path, require_examples=False)}


def test_an_example_goes_into_the_file_that_holds_its_intent(home: Path) -> None:
    before = (home / "nlu_data" / "sites.yml").read_text(encoding="utf-8")
    path = add(home, "帮我找找附近能[量血压](service)的红色驿站", "find_station")
    assert path == home / "nlu_data" / "sites.yml"
    assert examples(path)["帮我找找附近能量血压的红色驿站"] == "find_station"
    spans = next(e for e in read_nlu_file(path) if e.text == "帮我找找附近能量血压的红色驿站")
    assert [(s.entity, s.text) for s in spans.entities] == [("service", "量血压")]
    after = path.read_text(encoding="utf-8")
    assert after.splitlines()[:3] == before.splitlines()[:3]  # comments kept
    assert len(after.splitlines()) == len(before.splitlines()) + 1  # a one-line diff


@pytest.mark.parametrize(
    ("text", "intent", "message"),
    [
        (
            "最近的党群服务中心在哪",
            "find_station",
            r"already an example of find_station in nlu_data/sites\.yml",
        ),
        ("最近的党群服务中心在哪？", "find_station", "already an example of find_station"),
        (
            "最近的党群服务中心在哪",
            "ask_opening_hours",
            r"already an example of find_station in nlu_data/sites\.yml; one text cannot teach two intents",
        ),
        ("小家同学你好", "greet", "held-out test file"),
        ("随便说点什么", "no_such_intent", "not in the domain"),
        ("去[火星](planet)怎么走", "find_station", "entity 'planet'"),
        ("   ", "greet", "empty"),
    ],
)
def test_duplicates_conflicts_and_unknown_names_are_refused(
    home: Path, text: str, intent: str, message: str
) -> None:
    before = {p.name: p.read_text(encoding="utf-8") for p in (home / "nlu_data").glob("*.yml")}
    with pytest.raises(AnnotationRefused, match=message):
        add(home, text, intent)
    after = {p.name: p.read_text(encoding="utf-8") for p in (home / "nlu_data").glob("*.yml")}
    assert after == before


def test_trainer_examples_form_a_sorted_tail_after_the_hand_written_ones() -> None:
    source = "nlu:\n- intent: greet\n  examples: |\n    - 你好\n    - 嗨\n- intent: thanks\n  examples: |\n    - 谢谢\n"
    once = insert_line(source, intent="greet", line="b", trainer_lines=frozenset())
    twice = insert_line(once, intent="greet", line="a", trainer_lines=frozenset({"b"}))
    thrice = insert_line(twice, intent="greet", line="c", trainer_lines=frozenset({"a", "b"}))
    assert thrice.splitlines()[3:8] == ["    - 你好", "    - 嗨", "    - a", "    - b", "    - c"]
    assert thrice.splitlines()[8] == "- intent: thanks"


def test_lines_are_cleaned_to_one_list_item() -> None:
    assert clean_line("- 你好\n  在吗 ") == "你好 在吗"
