"""`jiamenkou staff create|disable|list` on a throwaway database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main as cli

GOOD = "a long enough secret"


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("JIAMENKOU_HOME", str(Path(__file__).resolve().parents[2]))
    monkeypatch.setenv("JIAMENKOU_STAFF_PASSWORD", GOOD)


def test_create_list_and_disable(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["staff", "create", "Wang", "--role", "staff", "--grid", "第一网格"]) == 0
    assert cli(["staff", "create", "boss", "--role", "admin"]) == 0
    capsys.readouterr()
    assert cli(["staff", "list", "--json"]) == 0
    listed = {a["username"]: a for a in json.loads(capsys.readouterr().out)}
    assert listed["wang"]["grids"] == ["第一网格"] and listed["boss"]["role"] == "admin"
    assert GOOD not in json.dumps(listed)
    assert cli(["staff", "disable", "wang"]) == 0
    capsys.readouterr()
    assert cli(["staff", "list", "--json"]) == 0
    assert {a["username"]: a["disabled"] for a in json.loads(capsys.readouterr().out)} == {
        "boss": False,
        "wang": True,
    }


def test_refusals_have_exit_codes_and_say_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["staff", "create", "li", "--role", "staff"]) == 11  # staff need a grid
    assert "--grid" in capsys.readouterr().err
    assert cli(["staff", "create", "li", "--role", "trainer"]) == 0
    assert cli(["staff", "create", "LI", "--role", "trainer"]) == 11  # names ignore case
    assert cli(["staff", "disable", "nobody"]) == 11
    monkeypatch.setenv("JIAMENKOU_STAFF_PASSWORD", "short")
    assert cli(["staff", "create", "zhao", "--role", "admin"]) == 2
    monkeypatch.delenv("JIAMENKOU_STAFF_PASSWORD")
    monkeypatch.setattr("sys.stdin", open("/dev/null"))  # noqa: SIM115 (no terminal to ask on)
    assert cli(["staff", "create", "zhao", "--role", "admin"]) == 2
    assert "JIAMENKOU_STAFF_PASSWORD" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli(["staff", "create", "zhao", "--role", "boss"])
