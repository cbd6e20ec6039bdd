"""The trainer loop end to end through the real engine, on a copy of the project's data: three
inbox messages are labelled into valid Rasa YAML that trains, a damaged training set is stopped
by the quality gate while a good one goes through, and promotion and rollback change which model
answers while a conversation carries on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.conversations import store
from bot.db.nlu_trainer import ModelStatus
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.errors import AnnotationRefused, PromotionRefused
from bot.nlu.desk import open_desk
from bot.nlu.reader import read_nlu_file
from bot.nlu.trainer import open_trainer
from tests.conftest import E2E_ENV, E2E_TOKEN
from tests.helpers.trainer_project import make_project

pytestmark = pytest.mark.engine

# Three messages residents "sent", labelled by the trainer (none is in nlu_data/ or held out).
LABELS = {
    "帮我查查离这最近的红色驿站": "find_station",
    "我家门口的垃圾三天没人清了": "report_problem",
    "谢谢小家，真是帮了大忙": "thanks",
}


def say(url: str, who: str, text: str) -> list[str]:
    bearer = {"Authorization": f"Bearer {E2E_TOKEN}"}
    with httpx.Client(base_url=url, timeout=120, headers=bearer) as http:
        response = http.post("/webhooks/rest/webhook", json={"sender": who, "message": text})
    assert response.status_code == 200
    return [str(m.get("text") or "") for m in response.json()]


def serving_file(url: str) -> str:
    status = httpx.get(f"{url}/status", params={"token": E2E_TOKEN}, timeout=30).json()
    return Path(str(status["model_file"])).name


def model_id_of(archive: Path) -> str:
    """The id Rasa writes into each user event's metadata: which model understood it."""
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.lstrip("/") == "metadata.json")
        handle = tar.extractfile(member)
        assert handle is not None
        return str(json.load(handle)["model_id"])


def damage(nlu_dir: Path) -> None:
    """Every `thanks` example relabelled as `greet`: the model can no longer say thanks."""
    path = nlu_dir / "chitchat.yml"
    text = path.read_text(encoding="utf-8")
    assert "- intent: thanks\n" in text
    path.write_text(text.replace("- intent: thanks\n", "- intent: greet\n"), encoding="utf-8")


@pytest.mark.timeout(3600)  # three trainings and four engine starts on 2 cores
def test_label_train_gate_promote_and_roll_back(tmp_path: Path) -> None:
    home = make_project(tmp_path / "home")
    database = f"sqlite:///{tmp_path / 'app.db'}"
    env = {
        "JIAMENKOU_HOME": str(home),
        "DATABASE_URL": database,
        "RASA_TOKEN": E2E_TOKEN,
        "RASA_PORT": str(free_port()),
        "JIAMENKOU_CONVERSATION_ID_SECRET": E2E_ENV["JIAMENKOU_CONVERSATION_ID_SECRET"],
        # Every message goes to the inbox, whatever the model's confidence.
        "JIAMENKOU_LOW_CONFIDENCE": "1.0",
        # Few epochs vary more from run to run: a looser gate, still far from a lost intent.
        "JIAMENKOU_GATE_TOLERANCE": "0.05",
        "JIAMENKOU_GATE_INTENT_TOLERANCE": "0.25",
    }
    settings = Settings(**env)  # type: ignore[arg-type]
    with open_trainer(settings) as trainer:
        first = trainer.start_training(by="王芳", background=False)
        assert first.status is ModelStatus.READY
        assert not trainer.promote(first.id, by="王芳")  # no engine yet: recorded only
        assert trainer.serving() == first.id
        archive_a = trainer.archive(first)

    config = StackConfig(
        project=RasaProject(home),
        model=archive_a,
        host="127.0.0.1",
        engine_port=settings.engine_port,
        action_port=free_port(),
        token=E2E_TOKEN,
        log_dir=tmp_path / "logs",
        ready_timeout_s=300.0,
        extra_env={"DATABASE_URL": database, **E2E_ENV},
        tracker_url=settings.effective_tracker_database_url,
    )
    with EngineStack(config) as stack:
        url = stack.config.engine_url
        who = f"terminal:{uuid.uuid4().hex[:12]}"
        assert say(url, who, "你好")
        for text in LABELS:
            say(url, who, text)

        # Label the three messages from the inbox; a duplicate is refused, saying where.
        with open_desk(settings) as desk:
            items = {i.text: i for i in desk.inbox()}
            assert set(LABELS) <= set(items), items.keys()
            assert "你好" not in items  # already training data
            for text, intent in LABELS.items():
                added = desk.annotate(items[text].id, intent=intent, text=None, by="王芳")
                assert (added.file.name, added.example.intent) != ("", "")
            assert not set(LABELS) & {i.text for i in desk.inbox()}
        training = {
            e.text: e.intent
            for f in (home / "nlu_data").glob("*.yml")
            for e in read_nlu_file(f, require_examples=False)
        }
        assert all(training[t] == i for t, i in LABELS.items())
        with pytest.raises(AnnotationRefused, match=r"nlu_data/chitchat\.yml"):
            from bot.nlu.annotate import add_example

            add_example(
                text="你好",
                intent="thanks",
                nlu_dir=home / "nlu_data",
                domain_dir=home / "engine" / "domain",
                heldout=settings.heldout_file,
            )

        with open_trainer(settings) as trainer:
            # The labelled data trains (Rasa reads what annotation wrote) and passes the gate.
            second = trainer.start_training(by="王芳", background=False)
            assert second.status is ModelStatus.READY, second.error
            assert trainer.promote(second.id, by="王芳")
            assert serving_file(url) == trainer.archive(second).name
            archive_b = trainer.archive(second)
        assert say(url, who, "谢谢")  # the same conversation carries on with the new model

        # A damaged training set, trained in the background by the command line while the
        # assistant keeps answering; the gate refuses it.
        damage(home / "nlu_data")
        job = subprocess.Popen(
            [str(Path(sys.executable).parent / "jiamenkou"), "models", "train", "--wait", "--by", "李雷"],
            env={**os.environ, **env}, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        assert say(url, who, "你们几点开门")
        out, _ = job.communicate(timeout=1800)
        assert job.returncode == 0, out
        assert "training" in out and "ready" in out
        with open_trainer(settings) as trainer:
            third = next(m for m in trainer.models() if m.trained_by == "李雷")
            verdict = trainer.comparison(third.id)["gate"]
            assert not verdict["promotable"]
            assert any(r.startswith("thanks:") for r in verdict["reasons"]), verdict
            with pytest.raises(PromotionRefused, match="thanks"):
                trainer.promote(third.id, by="李雷")
            assert trainer.serving() == second.id
            assert serving_file(url) == archive_b.name

            # Rollback: the first model answers again; there is nothing before it.
            back_to, loaded = trainer.rollback(by="王芳")
            assert (back_to, loaded) == (first.id, True)
            assert serving_file(url) == archive_a.name
            with pytest.raises(PromotionRefused):
                trainer.rollback(by="王芳")
        assert say(url, who, "再见")

    # One conversation, one session, understood by A, then B, then A again.
    from bot.db.session import make_engine, make_session_factory

    tracker = make_engine(settings.effective_tracker_database_url)
    with make_session_factory(tracker)() as session:
        events = store.events_of(session, who)
    tracker.dispose()
    users = [e for e in events if e.type_name == "user"]
    first_user = events.index(users[0])
    assert not [e for e in events[first_user:] if e.type_name == "session_started"]
    answered_by = [str(e.data.get("metadata", {}).get("model_id")) for e in users]
    a, b = model_id_of(archive_a), model_id_of(archive_b)
    assert answered_by == [a, a, a, a, b, b, a], answered_by

    # The command line's contracts, on the same registry.
    def jiamenkou(*args: str) -> str:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "jiamenkou"), *args],
            env={**os.environ, **env}, cwd=tmp_path, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = json.loads(jiamenkou("models", "list", "--json"))
    assert [m["serving"] for m in listed].count(True) == 1
    assert {m["id"] for m in listed if m["serving"]} == {first.id}
    assert {"id", "created", "trained_by", "intent_macro_f1", "serving"} <= listed[0].keys()
    report = json.loads(jiamenkou("models", "evaluate", second.id, "--json"))
    assert {"intent_macro_f1", "entity_f1", "per_intent", "baselines"} <= report.keys()
    assert set(report["baselines"]) == {"keyword", "tfidf_lr"}
    assert all(0 <= report["baselines"][b]["intent_macro_f1"] <= 1 for b in report["baselines"])
    assert report["n"] == len(read_nlu_file(settings.heldout_file))
    assert (home / "models" / "candidates" / second.id / "confusion.png").stat().st_size > 0
