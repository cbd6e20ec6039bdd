"""The trainer's bookkeeping without the engine: progress from Rasa's output, failures recorded."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.config import Settings
from bot.db.nlu_trainer import ModelStatus
from bot.db.session import make_session_factory
from bot.engine import model_registry as registry
from bot.errors import PromotionRefused
from bot.nlu.trainer import ModelTrainer

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def trainer(db_engine: Engine, tmp_path: Path) -> ModelTrainer:
    settings = Settings(JIAMENKOU_HOME=tmp_path, DATABASE_URL="sqlite://", RASA_TOKEN="t")
    trainer = ModelTrainer(settings, make_session_factory(db_engine))
    with make_session_factory(db_engine).begin() as session:
        registry.add_model(
            session, model_id="m1", file="models/candidates/m1.tar.gz", fingerprint="f",
            trained_by="王芳", now=NOW,
        )  # fmt: skip
    return trainer


def test_rasa_output_becomes_progress(trainer: ModelTrainer) -> None:
    output = (
        b"INFO rasa.engine.training.hooks - Starting to train component 'DIETClassifier3'.\n"
        b"Epochs:  10%|#   | 8/80 [00:03<00:30]\rEpochs:  45%|####  | 36/80 [00:12<00:15]\r"
    )
    log = io.BytesIO()
    trainer._follow("m1", io.BufferedReader(io.BytesIO(output)), log)
    assert log.getvalue() == output
    assert trainer.model("m1").progress.startswith("training DIETClassifier3")


def test_a_failed_job_is_recorded_and_cannot_be_promoted(trainer: ModelTrainer) -> None:
    with pytest.raises(Exception, match="data"):
        trainer.run_job("m1")  # no snapshot, no engine environment: it fails, and says so
    model = trainer.model("m1")
    assert model.status is ModelStatus.FAILED and model.error
    with pytest.raises(PromotionRefused, match="failed"):
        trainer.promote("m1", by="王芳")
