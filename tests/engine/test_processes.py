import socket
from pathlib import Path

import pytest

from bot.engine.ports import free_port, port_is_free
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.errors import EngineStartFailed, ModelMissing, PortInUse

ROOT = Path(__file__).resolve().parents[2]


def make_config(tmp_path: Path, engine_port: int, action_port: int | None) -> StackConfig:
    return StackConfig(
        project=RasaProject(tmp_path),
        model=tmp_path / "models" / "missing.tar.gz",
        host="127.0.0.1",
        engine_port=engine_port,
        action_port=action_port,
        token="t",
        log_dir=tmp_path / "logs",
        ready_timeout_s=20,
    )


def test_a_taken_port_is_reported_in_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
        with pytest.raises(PortInUse) as info:
            EngineStack(make_config(tmp_path, free_port(), port)).start()
    assert f"port {port}" in str(info.value) and "ACTION_PORT" in str(info.value)


def test_a_missing_model_is_reported_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="jiamenkou train"):
        EngineStack(make_config(tmp_path, free_port(), None)).start()


def test_a_missing_engine_environment_says_to_run_setup(tmp_path: Path) -> None:
    config = make_config(tmp_path, free_port(), None)
    config.model.parent.mkdir()
    config.model.write_bytes(b"model")
    with pytest.raises(EngineStartFailed, match="setup"):
        EngineStack(config).start()


def test_an_engine_that_dies_while_starting_is_reported_with_its_log(tmp_path: Path) -> None:
    config = make_config(tmp_path, free_port(), None)
    config.model.parent.mkdir()
    config.model.write_bytes(b"not a model")  # the real engine refuses it and exits
    engine_bin = tmp_path / ".venv-engine" / "bin"
    engine_bin.mkdir(parents=True)
    (engine_bin / "rasa").symlink_to(ROOT / ".venv-engine" / "bin" / "rasa")
    (engine_bin / "python").symlink_to(ROOT / ".venv-engine" / "bin" / "python")
    # The engine is started through our launcher, found on PYTHONPATH=<project>/engine.
    (tmp_path / "engine").mkdir(exist_ok=True)
    (tmp_path / "engine" / "jiamenkou_engine").symlink_to(ROOT / "engine" / "jiamenkou_engine")
    with pytest.raises(EngineStartFailed) as info:
        EngineStack(config).start()
    assert "exited" in str(info.value) or "not ready" in str(info.value)
