"""The project's own checks and the reading of Rasa's validator output."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.validate import Finding, explain_rasa_warnings, parse_rasa_output, project_findings
from bot.vocabulary import load_vocabulary
from tests.helpers.trainer_project import ROOT, copy_data


def findings(home: Path) -> list[Finding]:
    return project_findings(
        nlu_dir=home / "nlu_data",
        domain_dir=home / "engine" / "domain",
        rules_dir=home / "engine" / "data",
        code_dirs=[ROOT / "actions", ROOT / "bot"],
        heldout=home / "tests" / "data" / "nlu_heldout.yml",
        vocabulary=load_vocabulary(ROOT / "bot" / "data" / "vocabulary.yml"),
    )


def test_the_project_data_has_no_errors(tmp_path: Path) -> None:
    assert [f for f in findings(copy_data(tmp_path / "h")) if f.level == "error"] == []


def test_conflicts_near_duplicates_unknown_values_and_small_intents_are_found(
    tmp_path: Path,
) -> None:
    home = copy_data(tmp_path / "h")
    (home / "nlu_data" / "extra.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: thanks\n  examples: |\n'
        "    - 最近的党群服务中心在哪\n    - 最近的党群服务中心在哪儿呢\n"
        "    - 哪里能[飞天遁地](service)\n    - 小家同学你好\n"
        "- intent: mystery\n  examples: |\n    - 嘿嘿嘿\n",
        encoding="utf-8",
    )
    found = {(f.level, f.check) for f in findings(home)}
    assert ("error", "conflict") in found
    assert ("warning", "near_duplicate") in found
    assert ("warning", "entity_not_in_vocabulary") in found
    assert ("error", "heldout_overlap") in found
    assert ("error", "unknown_intent") in found
    assert ("warning", "too_few_examples") in found


def test_rasa_warnings_and_errors_are_read_and_explained(tmp_path: Path) -> None:
    output = (
        "\x1b[93m/x/rasa/shared/utils/io.py:100: UserWarning: The utterance 'utter_ask_report_phone' is not used in any story or rule.\n"
        "\x1b[0m/x/io.py:100: UserWarning: The utterance 'utter_never_used_anywhere' is not used in any story or rule.\n"
        "/x/io.py:100: UserWarning: The intent 'share_location' is listed in the domain file, but is not found in the NLU training data.\n"
        "2026-12-02 00:57:32 ERROR    rasa.validator  - Something broke.\n"
        "/x/other.py:1: DeprecationWarning: not ours\n"
    )
    parsed = parse_rasa_output(output, 1)
    assert [f.level for f in parsed] == ["warning", "warning", "warning", "error"]
    explained = explain_rasa_warnings(
        parsed,
        domain_dir=ROOT / "engine" / "domain",
        rules_dir=ROOT / "engine" / "data",
        code_dirs=[ROOT / "actions", ROOT / "bot"],
    )
    assert [f.level for f in explained] == ["info", "warning", "info", "error"]
