"""nginx as the load balancer in front of the engine replicas, the action servers and the web
service: the configuration rendered from `deploy/nginx/jiamenkou.conf.j2` and the command that
runs it unprivileged, with its own prefix (pid, temp files) under `data/nginx/`.

The same template serves `jiamenkou up --replicas N` (everything on one machine) and
`jiamenkou balancer` (Docker Compose, systemd: upstreams on other hosts).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from bot.errors import ConfigError

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
TEMPLATE_NAME = "jiamenkou.conf.j2"
HEALTH_PATH = "/nginx-health"  # answered by nginx itself on the engine port
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
# The unprivileged account nginx's workers use when it is started as root (Debian's default).
UNPRIVILEGED_USER = "nobody"


class NginxMissing(ConfigError):
    pass


@dataclass(frozen=True)
class BalancerPlan:
    """Where nginx listens and what it spreads requests over (host:port each)."""

    prefix: Path
    listen: str
    engine_port: int
    engines: list[str]
    action_port: int
    action_servers: list[str]
    web_port: int | None = None
    webs: list[str] = field(default_factory=list)
    telegram: str | None = None  # the Telegram bridge's webhook listener
    telegram_path: str = "/"
    workers: int = 1
    access_log: str = "off"

    @property
    def conf_file(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def health_url(self) -> str:
        host = "127.0.0.1" if self.listen in ("0.0.0.0", "*") else self.listen
        return f"http://{host}:{self.engine_port}{HEALTH_PATH}"


def render(plan: BalancerPlan, *, user: str | None = None) -> str:
    if not plan.engines or not plan.action_servers:
        raise ConfigError("the balancer needs at least one engine and one action server")
    if plan.telegram and not plan.webs:
        raise ConfigError("the Telegram webhook is routed beside the web service: give --web")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # an nginx file, not HTML
    )
    return env.get_template(TEMPLATE_NAME).render(
        prefix=plan.prefix,
        listen=plan.listen,
        engine_port=plan.engine_port,
        engines=plan.engines,
        action_port=plan.action_port,
        action_servers=plan.action_servers,
        web_port=plan.web_port,
        webs=plan.webs,
        telegram=plan.telegram,
        telegram_path=plan.telegram_path,
        workers=plan.workers,
        access_log=plan.access_log,
        user=user,
    )


def write_config(plan: BalancerPlan) -> Path:
    """Render the configuration into the plan's prefix, with the temp folders nginx needs."""
    user = None
    for name in TEMP_DIRS:
        (plan.prefix / "temp" / name).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # Started as root, nginx's workers drop to an unprivileged account: it must be able to
        # write its temp files (large request bodies) and nothing else.
        account = pwd.getpwnam(UNPRIVILEGED_USER)
        user = f"{UNPRIVILEGED_USER} {grp.getgrgid(account.pw_gid).gr_name}"
        for name in TEMP_DIRS:
            os.chown(plan.prefix / "temp" / name, account.pw_uid, account.pw_gid)
    plan.conf_file.write_text(render(plan, user=user), encoding="utf-8")
    return plan.conf_file


def nginx_binary() -> Path | None:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    return Path(found) if found else None


def nginx_command(plan: BalancerPlan) -> list[str]:
    """nginx in the foreground on the rendered file; `-e` keeps even start-up errors out of
    /var/log, `-p` keeps every relative path under the prefix."""
    binary = nginx_binary()
    if binary is None:
        raise NginxMissing(
            "nginx is not installed; the replicas need it as their load balancer: run "
            "scripts/setup.sh (it installs Debian's nginx-light) or `apt-get install nginx-light`"
        )
    return [str(binary), "-p", str(plan.prefix), "-c", str(plan.conf_file), "-e", "stderr"]
