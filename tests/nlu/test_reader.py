from pathlib import Path

import pytest

from bot.errors import DataFileError
from bot.nlu.reader import EntitySpan, parse_annotated, read_nlu_file


def test_parse_annotated_returns_plain_text_and_spans() -> None:
    example = parse_annotated("[和顺社区](community)哪里能[电瓶车充电](service)", "find_station")
    assert example.text == "和顺社区哪里能电瓶车充电"
    assert example.entities == (
        EntitySpan("community", 0, 4, "和顺社区"),
        EntitySpan("service", 7, 12, "电瓶车充电"),
    )


def test_parse_annotated_understands_json_and_value_forms() -> None:
    example = parse_annotated(
        '查[GD000123]{"entity": "ticket_id"}和[飞线](problem_type:飞线充电)', "check_ticket"
    )
    assert example.text == "查GD000123和飞线"
    assert [(e.entity, e.start, e.end) for e in example.entities] == [
        ("ticket_id", 1, 9),
        ("problem_type", 10, 12),
    ]


def test_read_nlu_file_skips_synonyms_and_reads_examples(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n    - 在吗\n'
        "- synonym: 电动车充电\n  examples: |\n    - 电瓶车充电\n",
        encoding="utf-8",
    )
    examples = read_nlu_file(path)
    assert [(e.text, e.intent) for e in examples] == [("你好", "greet"), ("在吗", "greet")]


@pytest.mark.parametrize(
    "content",
    ["nlu: [\n", "just text", 'version: "3.1"\nnlu: []\n', "nlu:\n- intent: greet\n"],
    ids=["broken-yaml", "not-a-mapping", "no-examples", "intent-without-examples"],
)
def test_read_nlu_file_rejects_broken_files_with_a_clear_error(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read_nlu_file(path)
    assert "bad.yml" in str(info.value)


def test_read_nlu_file_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read"):
        read_nlu_file(tmp_path / "missing.yml")
