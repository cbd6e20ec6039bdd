"""The command line's promises: one clear sentence and a non-zero exit on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_evaluate_rejects_a_broken_file_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("nlu: [\n", encoding="utf-8")
    assert main(["nlu", "evaluate", str(bad)]) == 8
    assert "not valid YAML" in capsys.readouterr().err


def test_a_bad_port_setting_is_one_clear_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RASA_PORT", "99999")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "RASA_PORT" in err or "engine_port" in err
    assert "Traceback" not in err


def test_chat_without_a_running_engine_says_how_to_start_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    assert main(["chat"]) == 5
    assert "jiamenkou up" in capsys.readouterr().err


def test_db_upgrade_creates_the_database_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "nested" / "j.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert main(["db", "upgrade"]) == 0
    assert db.exists()
    assert main(["db", "upgrade"]) == 0  # idempotent


def test_up_starts_the_telegram_bridge_only_with_a_token(tmp_path: Path) -> None:
    from bot.commands.engine import app_children
    from bot.config import Settings

    without = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
    with_token = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}", TELEGRAM_BOT_TOKEN="1:x")
    assert [c.name for c in app_children(without)] == ["web"]
    assert [c.name for c in app_children(with_token)] == ["web", "telegram"]
    assert app_children(with_token)[1].command[-1] == "telegram"


def test_secrets_init_creates_private_files_once_and_never_prints_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import stat

    for variable in ("RASA_TOKEN", "ACTION_TOKEN", "JIAMENKOU_CONVERSATION_ID_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("JIAMENKOU_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["secrets", "init"]) == 0
    files = sorted((tmp_path / "data" / "secrets").iterdir())
    assert [f.name for f in files] == ["action-token", "conversation-id-secret", "engine-token"]
    values = [f.read_text().strip() for f in files]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert len(set(values)) == 3 and all(len(v) >= 40 for v in values)
    printed = capsys.readouterr().out
    assert not any(v in printed for v in values)
    assert main(["secrets", "init"]) == 0
    assert [f.read_text().strip() for f in files] == values  # kept, not replaced
