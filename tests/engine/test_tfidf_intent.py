"""The engine's intent classifier (engine/components/tfidf_intent.py), run by the engine's own
Python on a small training set: it learns, its stored model gives the same answers after
loading, its ranking is Rasa's, and a message it knows nothing of gets confidence 0."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = ROOT / ".venv-engine" / "bin" / "python"

pytestmark = pytest.mark.skipif(not ENGINE_PYTHON.exists(), reason="no engine environment")

SCRIPT = """
import json, sys, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from components.tfidf_intent import TfidfIntentClassifier

data = json.loads(sys.stdin.read())
storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "test")
examples = [Message.build(text=t, intent=i) for t, i in data["train"]]
training = TrainingData(examples, regex_features=[{"name": "ticket_id", "pattern": "GD[0-9]{6}"}])
tokenizer = WhitespaceTokenizer.create({**WhitespaceTokenizer.get_default_config()}, storage,
                                       Resource("tok"), context)
regex = RegexFeaturizer.create({**RegexFeaturizer.get_default_config(), "alias": "regex"},
                               storage, Resource("rx"), context)
tokenizer.process_training_data(training)
regex.train(training)
regex.process_training_data(training)
config = {"featurizers": ["regex"]}
resource = Resource("clf")
TfidfIntentClassifier.create(config, storage, resource, context).train(training)
loaded = TfidfIntentClassifier.load(config, storage, resource, context)
messages = [Message(data={"text": t}) for t in data["test"]]
tokenizer.process(messages)
regex.process(messages)
loaded.process(messages)
print(json.dumps([{"intent": m.get("intent"), "intent_ranking": m.get("intent_ranking")}
                  for m in messages]))
"""

TRAIN = [
    ("hello there", "greet"),
    ("hi friend", "greet"),
    ("good morning", "greet"),
    ("where is my ticket", "check_ticket"),
    ("status of my report", "check_ticket"),
    ("any news on the report", "check_ticket"),
    ("bye now", "goodbye"),
    ("see you later", "goodbye"),
    ("good night bye", "goodbye"),
]


def classify(texts: list[str]) -> list[dict[str, object]]:
    completed = subprocess.run(
        [str(ENGINE_PYTHON), "-c", SCRIPT],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "engine"), "TF_CPP_MIN_LOG_LEVEL": "2"},
        input=json.dumps({"train": TRAIN, "test": texts}),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: list[dict[str, object]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_learns_ranks_like_rasa_and_gives_unknown_text_no_confidence() -> None:
    known, pattern, unknown = classify(["hi there", "GD123456", "qqqq"])

    intent = known["intent"]
    assert isinstance(intent, dict) and intent["name"] == "greet"
    ranking = known["intent_ranking"]
    assert isinstance(ranking, list) and len(ranking) == 3
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert abs(sum(confidences) - 1.0) < 1e-6
    assert ranking[0] == intent

    # Only the regex feature is known here (no training example has a ticket number), so the
    # text is not unknown: it gets a proper distribution.
    pattern_ranking = pattern["intent_ranking"]
    assert isinstance(pattern_ranking, list)
    assert abs(sum(r["confidence"] for r in pattern_ranking) - 1.0) < 1e-6

    unknown_intent = unknown["intent"]
    assert isinstance(unknown_intent, dict) and unknown_intent["confidence"] == 0.0
