"""deploy/ cannot be run here (no Docker, no systemd): check instead that the Compose file and
the systemd units call `jiamenkou` commands and flags that exist, set only settings that
bot/config.py reads, and agree with each other on ports."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.config import Settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SETTINGS = {field.alias for field in Settings.model_fields.values() if field.alias}
# Variables of other programs' images, not of ours.
FOREIGN = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PATH"}


def parses(argv: list[str]) -> None:
    """`jiamenkou ARGS` is a command line the CLI accepts (argparse exits on anything else)."""
    assert argv[0].endswith("jiamenkou"), argv
    try:
        build_parser().parse_args(argv[1:])
    except SystemExit as exc:
        pytest.fail(f"`{shlex.join(argv)}` is not a valid jiamenkou command line ({exc})")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def env_file_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lstrip("#")
        if "=" in line and line.split("=", 1)[0].isupper():
            names.add(line.split("=", 1)[0])
    return names


def test_compose_services_run_real_commands_with_real_settings() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "engine", "actions", "web", "balancer", "telegram"} <= set(
        services
    )
    for name, service in services.items():
        command = service.get("command")
        if command and command[0] == "jiamenkou":
            parses(command)
        elif command and command[:2] == ["sh", "-c"]:
            for step in command[2].split("&&"):
                parses(shlex.split(step))
        unknown = set(service.get("environment") or {}) - SETTINGS - FOREIGN
        assert not unknown, f"{name} sets variables nothing reads: {unknown}"
    assert env_file_names(DEPLOY / "jiamenkou.env.example") <= SETTINGS
    # Several engines need the shared record: PostgreSQL and Redis for every app service.
    engine_env = services["engine"]["environment"]
    assert engine_env["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert engine_env["REDIS_URL"].startswith("redis://redis:")


def test_compose_ports_agree_with_the_balancer() -> None:
    services = compose()["services"]
    balancer = services["balancer"]["command"]
    upstream = {
        flag: balancer[balancer.index(flag) + 1]
        for flag in ("--engines", "--action-servers", "--web")
    }

    def port_of(service: str) -> str:
        command = services[service]["command"]
        return str(command[command.index("--port") + 1])

    assert upstream["--engines"] == f"engine:{port_of('engine')}"
    assert upstream["--action-servers"] == f"actions:{port_of('actions')}"
    assert upstream["--web"] == f"web:{port_of('web')}"
    env = services["balancer"]["environment"]
    assert services["balancer"]["ports"] == [f"{env['WEB_PORT']}:{env['WEB_PORT']}"]
    app = services["engine"]["environment"]
    assert app["RASA_URL"] == f"http://balancer:{env['RASA_PORT']}"
    assert app["ACTION_SERVER_URL"] == f"http://balancer:{env['ACTION_PORT']}/webhook"
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert "nginx-light" in dockerfile and "engine/requirements.lock" in dockerfile


def units() -> dict[str, configparser.ConfigParser]:
    found = {}
    for path in sorted((DEPLOY / "systemd").iterdir()):
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(_joined_environment(path.read_text(encoding="utf-8")))
        found[path.name] = parser
    return found


def _joined_environment(text: str) -> str:
    """systemd allows repeating `Environment=`; configparser does not: number them."""
    lines, count = [], 0
    for line in text.splitlines():
        if line.startswith("Environment="):
            count += 1
            line = line.replace("Environment=", f"Environment{count}=", 1)
        lines.append(line)
    return "\n".join(lines)


def test_systemd_units_run_real_commands_with_real_settings() -> None:
    found = units()
    assert {"jiamenkou-engine@.service", "jiamenkou-actions@.service", "jiamenkou-web@.service",
            "jiamenkou-balancer.service", "jiamenkou-telegram.service",
            "jiamenkou.target"} <= set(found)  # fmt: skip
    for name, unit in found.items():
        if not unit.has_section("Service"):
            continue
        service = unit["Service"]
        argv = shlex.split(service["ExecStart"].replace("%i", "5006"))
        parses(argv)
        for key, value in service.items():
            if key.startswith("Environment") and key != "EnvironmentFile":
                variable = value.split("=", 1)[0]
                assert variable in SETTINGS, f"{name} sets {variable}, which nothing reads"
    # The target's instances are the upstreams the balancer unit names.
    wanted = found["jiamenkou.target"]["Unit"]["Wants"].split()
    balancer = shlex.split(found["jiamenkou-balancer.service"]["Service"]["ExecStart"])
    listed = ",".join(
        balancer[balancer.index(f) + 1] for f in ("--engines", "--action-servers", "--web")
    )
    for unit_name in wanted:
        if "@" in unit_name:
            port = unit_name.split("@")[1].removesuffix(".service")
            assert f"127.0.0.1:{port}" in listed, f"{unit_name} is not behind the balancer"


def test_the_nginx_template_is_the_one_up_uses() -> None:
    from bot.engine.balancer import TEMPLATE_DIR, TEMPLATE_NAME

    assert (TEMPLATE_DIR / TEMPLATE_NAME) == DEPLOY / "nginx" / "jiamenkou.conf.j2"
