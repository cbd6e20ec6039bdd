"""Builders for ticket tests: registry sites, reports, filed tickets, a sender that records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db.sites import Site
from bot.db.tickets import Ticket
from bot.notifications.sender import Button
from bot.sites.cells import cell_key
from bot.tickets.filing import NewReport, file_report

# Wednesday 2026-11-18, 10:00 in Shanghai: a plain working day.
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
# Somewhere in 南陵县's county seat (WGS-84).
HESHUN = (30.9197, 118.3347)


def add_site(
    session: Session,
    *,
    name: str = "和顺社区党群服务站",
    lat: float = HESHUN[0],
    lon: float = HESHUN[1],
    level: str | None = "社区",
    grid: str | None = "第一网格",
    community: str | None = "和顺社区",
    kind: str = "党群服务站",
) -> Site:
    site = Site(
        key=f"{name}@test",
        name=name,
        kind=kind,
        level=level,
        address=f"{name}门口",
        community=community,
        grid=grid,
        lat=lat,
        lon=lon,
        cell_key=cell_key(lat, lon),
        hours_known=False,
        holiday="closed",
        sample=True,
    )
    session.add(site)
    session.flush()
    return site


def make_report(**changes: Any) -> NewReport:
    report = NewReport(
        channel="telegram",
        user_id="10001",
        category="路灯损坏",
        description="小区东门的路灯不亮了",
        lat=HESHUN[0] + 0.001,
        lon=HESHUN[1] + 0.001,
        address="幸福里小区3栋2单元",
        phone="13812345678",
        message_id=None,
    )
    return replace(report, **changes)


def file_ticket(session: Session, *, now: datetime = NOW, **changes: Any) -> Ticket:
    return file_report(session=session, report=make_report(**changes), now=now).ticket


class RecordingSender:
    """An OutboundSender that keeps what it was asked to send; fails `failures` times first."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls = 0
        self.sent: list[tuple[str, str, str, tuple[Button, ...]]] = []

    async def send(
        self, *, channel: str, user_id: str, text: str, buttons: Sequence[Button] = ()
    ) -> None:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("bridge down")
        self.sent.append((channel, user_id, text, tuple(buttons)))
