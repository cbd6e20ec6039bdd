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
from bot.engine.training_vocabulary import training_vocabulary
from bot.sites.sample import load_sample
from bot.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["tests.helpers.database", "tests.helpers.rest_chat"]


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


E2E_TOKEN = "e2e-token"  # the engine token of the test stacks (API and REST channel)

# What the shared stack's action server runs with besides its database: staff are always on
# duty (handoff tests do not depend on the hour they run at).
E2E_ENV = {
    "JIAMENKOU_STAFF_HOURS": "每天 00:00-24:00",
    "JIAMENKOU_STAFF_HOLIDAYS": "open",
    "JIAMENKOU_CONVERSATION_ID_SECRET": "e2e-secret",
}


def start_stack(work: Path, database_url: str, *, redis_url: str | None = None) -> EngineStack:
    """A started engine + action server on `database_url` (sample registry loaded), keeping
    the conversation record where the settings say (an SQLite file beside an SQLite app
    database, the same database on PostgreSQL)."""
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
        token=E2E_TOKEN,
        log_dir=work / "logs",
        # A loaded shared machine can need longer to import TensorFlow and load the model.
        ready_timeout_s=float(os.environ.get("JIAMENKOU_TEST_READY_TIMEOUT", "300")),
        extra_env={"DATABASE_URL": database_url, **E2E_ENV},
        tracker_url=settings.effective_tracker_database_url,
        redis_url=redis_url,
    )
    stack = EngineStack(config)
    stack.start()
    return stack


@pytest.fixture(scope="session")
def e2e_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineStack]:
    """The real Rasa engine and rasa-sdk action server on free loopback ports.

    Starting the engine takes about a minute, so every end-to-end test shares this one and
    keeps its conversations apart with its own sender id. With TEST_REDIS_URL set it uses
    Rasa's Redis lock store, as several engine processes would.
    """
    work = tmp_path_factory.mktemp("engine")
    stack = start_stack(
        work, f"sqlite:///{work / 'e2e.db'}", redis_url=os.environ.get("TEST_REDIS_URL")
    )
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def engine_stack(e2e_stack: EngineStack) -> StackConfig:
    return e2e_stack.config


@pytest.fixture(scope="session")
def e2e_settings(engine_stack: StackConfig) -> Settings:
    """Settings a staff command uses against the shared stack (same databases, same secret)."""
    return Settings(
        JIAMENKOU_HOME=ROOT,
        DATABASE_URL=engine_stack.extra_env["DATABASE_URL"],
        RASA_URL=engine_stack.engine_url,
        RASA_TOKEN=engine_stack.token,
        JIAMENKOU_CONVERSATION_ID_SECRET=E2E_ENV["JIAMENKOU_CONVERSATION_ID_SECRET"],
    )


@pytest.fixture(scope="session")
def e2e_database_url(engine_stack: StackConfig) -> str:
    """The database the session's action server uses (with the sample registry)."""
    return engine_stack.extra_env["DATABASE_URL"]
