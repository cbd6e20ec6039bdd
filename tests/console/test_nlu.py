"""The trainer's console pages on a copy of the project's data: roles and CSRF, the inbox and
labelling, validation, the comparison report and the quality gate."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.nlu_trainer import ModelStatus, PromotionAction
from bot.db.staff import AuditEntry
from bot.engine import model_registry as registry
from bot.engine.ports import free_port
from bot.nlu.reader import read_nlu_file
from bot.nlu.report import draw_confusion, file_digest
from tests.console.conftest import SECRET, Login
from tests.helpers import rasa_events as ev
from tests.helpers.trainer_project import ROOT, copy_data

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def console_settings(tmp_path: Path, db_engine: Engine) -> Settings:
    """As the console's own fixture, but on a copy of the data: labelling writes nlu_data/."""
    home = copy_data(tmp_path / "home")
    (home / "bot" / "data").mkdir(parents=True)
    shutil.copyfile(
        ROOT / "bot" / "data" / "vocabulary.yml", home / "bot" / "data" / "vocabulary.yml"
    )
    url = db_engine.url.render_as_string(hide_password=False)
    ev.write_events(
        db_engine,
        "wechat:o123",
        [
            ev.session_started(1_764_000_000.0),
            ev.user(1_764_000_001.0, "附近哪儿能打印复印", "find_station", 0.42,
                    ranking=[("find_station", 0.42), ("ask_services", 0.31)]),
        ],
    )  # fmt: skip
    return Settings(
        JIAMENKOU_HOME=home,
        DATABASE_URL=url,
        TRACKER_DATABASE_URL=url,
        JIAMENKOU_CONVERSATION_ID_SECRET=SECRET,
        RASA_URL=f"http://127.0.0.1:{free_port()}",
        RASA_TOKEN="console-test-token",
    )


def test_only_trainers_and_admins_reach_the_nlu_pages(login: Login) -> None:
    staff, _ = login("wang")
    assert staff.get("/console/nlu/").status_code == 403
    trainer, _ = login("trainer")
    page = trainer.get("/console/nlu/")
    assert page.status_code == 200
    assert "附近哪儿能打印复印" in page.text and "ask_services" in page.text
    assert "模型训练" in page.text  # the menu entry


def test_a_trainer_labels_an_inbox_message_into_the_data(
    login: Login, console_settings: Settings, factory: sessionmaker[Session]
) -> None:
    client, csrf = login("trainer")
    page = client.get("/console/nlu/")
    item = page.text.split('data-inbox="')[1].split('"')[0]
    form = client.get(f"/console/nlu/inbox/{item}")
    assert form.status_code == 200 and "标为实体" in form.text
    data = {
        "intent": "find_station",
        "intent_other": "ask_services",
        "text": "附近哪儿能[打印复印](service)",
    }
    assert client.post(f"/console/nlu/inbox/{item}", data=data).status_code == 403  # no CSRF
    done = client.post(
        f"/console/nlu/inbox/{item}", data={**data, "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    sites = console_settings.nlu_data_dir / "sites.yml"
    assert {e.text: e.intent for e in read_nlu_file(sites)}["附近哪儿能打印复印"] == "ask_services"
    assert "附近哪儿能打印复印" not in client.get("/console/nlu/").text
    with factory() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "nlu.label" in actions


def test_a_duplicate_is_refused_on_the_page_saying_where(login: Login) -> None:
    client, csrf = login("trainer")
    item = client.get("/console/nlu/").text.split('data-inbox="')[1].split('"')[0]
    refused = client.post(
        f"/console/nlu/inbox/{item}",
        data={"intent": "greet", "text": "你好", "csrf_token": csrf},
    )
    assert refused.status_code == 409
    assert "nlu_data/chitchat.yml" in refused.text


def test_the_validation_page_lists_findings(login: Login) -> None:
    client, _ = login("trainer")
    page = client.get("/console/nlu/validate")
    assert page.status_code == 200 and "个错误" in page.text


def _report(intent_f1: dict[str, float], macro: float, digest: str) -> dict[str, Any]:
    per_intent = {
        k: {"precision": v, "recall": v, "f1": v, "support": 10} for k, v in intent_f1.items()
    }
    baseline = {
        "intent_macro_f1": 0.9,
        "intent_accuracy": 0.9,
        "per_intent": per_intent,
        "misclassified": 1,
    }
    return {
        "n": 20, "intent_accuracy": macro, "intent_macro_f1": macro, "entity_f1": 0.9,
        "fallback_rate": 0.0, "per_intent": per_intent, "per_entity": {"service": {"f1": 0.9, "support": 3}},
        "confusion": {"rows": sorted(intent_f1), "columns": sorted(intent_f1), "matrix": [[9, 1], [1, 9]]},
        "misclassified": [{"text": "谢谢啦", "intent": "thanks", "predicted": "greet"}],
        "baselines": {"keyword": baseline, "tfidf_lr": baseline},
        "heldout": "tests/data/nlu_heldout.yml", "heldout_digest": digest,
    }  # fmt: skip


def test_the_report_shows_baselines_and_the_gate_refuses_a_worse_model(
    login: Login, console_settings: Settings, factory: sessionmaker[Session]
) -> None:
    digest = file_digest(console_settings.heldout_file)  # reports on today's held-out file
    reports = {
        "good": _report({"greet": 0.95, "thanks": 0.95}, 0.95, digest),
        "bad": _report({"greet": 0.95, "thanks": 0.4}, 0.7, digest),
    }
    with factory.begin() as session:
        for model_id, report in reports.items():
            work = console_settings.models_dir / "candidates" / model_id
            work.mkdir(parents=True)
            (work / "report.json").write_text(json.dumps(report), encoding="utf-8")
            draw_confusion(report["confusion"], work / "confusion.png", title=model_id)
            registry.add_model(
                session, model_id=model_id, file=f"models/candidates/{model_id}.tar.gz",
                fingerprint="f", trained_by="王芳", now=NOW, status=ModelStatus.READY,
            )  # fmt: skip
        registry.record_promotion(
            session, model_id="good", action=PromotionAction.PROMOTE, by="王芳", now=NOW
        )
    client, csrf = login("trainer")
    listing = client.get("/console/nlu/models")
    assert listing.status_code == 200 and "使用中" in listing.text
    page = client.get("/console/nlu/models/bad")
    assert page.status_code == 200
    assert "TF-IDF" in page.text and "关键词" in page.text and "thanks:" in page.text
    image = client.get("/console/nlu/models/bad/confusion.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    refused = client.post("/console/nlu/models/bad/promote", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "thanks" in refused.text
    with factory() as session:
        assert registry.serving_id(session) == "good"
