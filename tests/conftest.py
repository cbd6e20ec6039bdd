"""Shared fixtures: settings for a throwaway home, and one real engine + action server per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.training import current_model, prepare_training_data, train
from bot.nlu.training_vocabulary import training_vocabulary
from bot.nlu.vocabulary import load_vocabulary
from bot.sites.sample import load_sample

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["tests.helpers.database"]


def load_sample_registry(settings: Settings) -> None:
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
        with make_session_factory(engine).begin() as session:
            load_sample(session=session, vocabulary=load_vocabulary(settings.vocabulary_file))
    finally:
        engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings that point at the checkout but keep the database in tmp_path."""
    monkeypatch.chdir(tmp_path)  # so no developer's .env leaks in
    return Settings(JIAMENKOU_HOME=ROOT, DATABASE_URL=f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture(scope="session")
def engine_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    """The real Rasa engine and rasa-sdk action server on free loopback ports.

    Starting the engine takes about a minute, so every end-to-end test shares this one and
    keeps its conversations apart with its own sender id.
    """
    work = tmp_path_factory.mktemp("engine")
    database_url = f"sqlite:///{work / 'e2e.db'}"
    settings = Settings(JIAMENKOU_HOME=ROOT, DATABASE_URL=database_url)
    # The same sample registry setup loads, so the gazetteer (and so the model's fingerprint)
    # matches the model setup trained, and the conversation has real sites to find.
    load_sample_registry(settings)
    project = RasaProject.from_settings(settings)
    prepare_training_data(project, training_vocabulary(settings))
    if os.environ.get("JIAMENKOU_TEST_TRAIN", "1") == "1":
        train(project)
    config = StackConfig(
        project=project,
        model=current_model(project),
        host="127.0.0.1",
        engine_port=free_port(),
        action_port=free_port(),
        token="e2e-token",
        log_dir=work / "logs",
        ready_timeout_s=300.0,
        extra_env={"DATABASE_URL": database_url},
    )
    with EngineStack(config) as stack:
        yield stack.config


@pytest.fixture(scope="session")
def e2e_database_url(engine_stack: StackConfig) -> str:
    """The database the session's action server uses (with the sample registry)."""
    return engine_stack.extra_env["DATABASE_URL"]
