"""The record on PostgreSQL with Redis's lock store: a report survives an engine restart, and
staff read it from the same database the app uses (CI sets the URLs)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.cli import main as cli
from bot.config import Settings
from bot.conversations.ids import conversation_id
from bot.engine.processes import EngineStack
from tests.conftest import E2E_ENV, ROOT, start_stack
from tests.e2e.test_conversation_record import PHONE, report_across_a_restart, use_settings

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.engine,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_POSTGRES_URL"),
]


@pytest.fixture(scope="module")
def pg_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineStack]:
    """Its own database (app tables and Rasa's `events` together, as DATABASE_URL on
    PostgreSQL configures), dropped afterwards."""
    assert POSTGRES_URL is not None
    name = f"jmk_e2e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    stack = start_stack(
        Path(tmp_path_factory.mktemp("pg-engine")), url, redis_url=os.environ.get("TEST_REDIS_URL")
    )
    try:
        yield stack
    finally:
        stack.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_report_survives_a_restart_on_postgresql(
    pg_stack: EngineStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lock_store = pg_stack.config.endpoints_file.read_text(encoding="utf-8")
    assert "type: SQL" in lock_store and "postgresql://" in lock_store
    if os.environ.get("TEST_REDIS_URL"):
        assert "type: redis" in lock_store
    who = report_across_a_restart(pg_stack)
    settings = Settings(
        JIAMENKOU_HOME=ROOT,
        DATABASE_URL=pg_stack.config.extra_env["DATABASE_URL"],
        RASA_URL=pg_stack.config.engine_url,
        RASA_TOKEN=pg_stack.config.token,
        JIAMENKOU_CONVERSATION_ID_SECRET=E2E_ENV["JIAMENKOU_CONVERSATION_ID_SECRET"],
    )
    assert settings.effective_tracker_database_url == settings.effective_database_url
    use_settings(monkeypatch, settings)
    capsys.readouterr()
    cid = conversation_id(who, secret=settings.conversation_id_secret)
    assert cli(["conversations", "show", cid, "--json"]) == 0
    out = capsys.readouterr().out
    turns = json.loads(out)["turns"]
    assert turns[0]["intent"] == "report_problem" and len(turns) == 3
    assert PHONE not in out
