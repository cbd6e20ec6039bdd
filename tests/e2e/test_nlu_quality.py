"""The NLU gate: the current model on the held-out file, and the evaluation command's contract."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.processes import StackConfig
from bot.nlu.evaluate import evaluate_file
from bot.nlu.reader import read_nlu_file

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "data" / "nlu_heldout.yml"


def test_heldout_intent_macro_f1_is_at_least_090(engine_stack: StackConfig) -> None:
    result = asyncio.run(
        evaluate_file(HELDOUT, base_url=engine_stack.engine_url, token=engine_stack.token)
    )
    assert result["n"] >= 15 * 12
    assert result["intent_macro_f1"] >= 0.90, result["errors"]


def test_heldout_never_overlaps_training_data() -> None:
    training = {
        e.text
        for f in (ROOT / "nlu_data").glob("*.yml")
        for e in read_nlu_file(f, require_examples=False)
    }
    heldout = {e.text for e in read_nlu_file(HELDOUT)}
    assert not training & heldout


def test_evaluate_command_prints_json_as_its_last_line(engine_stack: StackConfig) -> None:
    env = dict(os.environ, RASA_URL=engine_stack.engine_url, RASA_TOKEN=engine_stack.token)
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "jiamenkou"), "nlu", "evaluate", str(HELDOUT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    last = json.loads(completed.stdout.strip().splitlines()[-1])
    assert {"intent_accuracy", "intent_macro_f1", "entity_f1", "n"} <= last.keys()
    assert last["n"] == len(read_nlu_file(HELDOUT))
