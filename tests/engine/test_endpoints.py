"""The engine's endpoints file: Rasa's SQL tracker store and Redis lock store from settings."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.engine.endpoints import BadStoreUrl, rasa_tracker_url, redis_lock_store, write_endpoints


@pytest.mark.parametrize(
    ("app_url", "engine_url"),
    [
        ("sqlite:////srv/data/jiamenkou-tracker.db", "sqlite:////srv/data/jiamenkou-tracker.db"),
        ("postgresql+psycopg://bot:s3cret@db:5432/jmk", "postgresql://bot:s3cret@db:5432/jmk"),
        ("postgresql://bot@db/jmk", "postgresql://bot@db/jmk"),
    ],
)
def test_tracker_url_uses_the_engines_driver(app_url: str, engine_url: str) -> None:
    assert rasa_tracker_url(app_url) == engine_url


def test_other_databases_are_refused_clearly() -> None:
    with pytest.raises(BadStoreUrl, match="SQLite or PostgreSQL"):
        rasa_tracker_url("mysql+pymysql://root@localhost/x")


def test_redis_url_becomes_the_lock_store_section() -> None:
    section = redis_lock_store("redis://:pa%40ss@cache.local:6380/3")
    assert section == {
        "type": "redis",
        "url": "cache.local",
        "port": 6380,
        "db": 3,
        "key_prefix": "jiamenkou",
        "password": "pa@ss",
    }
    assert redis_lock_store("redis://127.0.0.1")["port"] == 6379
    with pytest.raises(BadStoreUrl):
        redis_lock_store("http://127.0.0.1:6379")


def test_file_is_private_and_complete(tmp_path: Path) -> None:
    path = write_endpoints(
        tmp_path / "run" / "endpoints.yml",
        action_url="http://127.0.0.1:5055/webhook",
        tracker_url="sqlite:////tmp/t.db",
        redis_url="redis://127.0.0.1:6379/0",
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = yaml.safe_load(path.read_text())
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert config["tracker_store"] == {"type": "SQL", "url": "sqlite:////tmp/t.db"}
    assert config["lock_store"]["type"] == "redis"


def test_no_tracker_url_keeps_conversations_in_memory(tmp_path: Path) -> None:
    path = write_endpoints(
        tmp_path / "e.yml", action_url="http://x/webhook", tracker_url=None, redis_url=None
    )
    assert set(yaml.safe_load(path.read_text())) == {"action_endpoint"}


def test_tracker_database_defaults(tmp_path: Path) -> None:
    beside = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}")
    assert beside.effective_tracker_database_url == f"sqlite:///{tmp_path / 'app-tracker.db'}"
    pg = Settings(DATABASE_URL="postgresql+psycopg://u@h/db")
    assert pg.effective_tracker_database_url == "postgresql+psycopg://u@h/db"
    own = Settings(DATABASE_URL="postgresql+psycopg://u@h/db", TRACKER_DATABASE_URL="sqlite:///x")
    assert own.effective_tracker_database_url == "sqlite:///x"
