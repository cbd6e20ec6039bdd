"""Figures for a chosen period, with SVG charts and a CSV export (`bot.figures` computes)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot import china_time, figures
from bot.console.charts import bar_chart
from bot.console.deps import CurrentStaff, ResourcesDep, Viewer
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.db.columns import utcnow
from bot.db.tickets import Severity
from bot.staff import audit
from bot.templates.notifications import SEVERITY_LABELS
from bot.tickets.queries import known_grids

router = APIRouter()
DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Report:
    period: figures.Period
    since: str
    until: str
    grid: str
    tickets: figures.TicketFigures
    conversations: figures.ConversationFigures
    handoffs: figures.HandoffFigures
    note: str | None


def _report(
    resources: ConsoleResources, viewer: Viewer, since: str, until: str, grid: str
) -> Report:
    now = utcnow()
    today = china_time.to_china(now).date()
    note = None
    try:
        first = datetime.strptime(since, "%Y-%m-%d").date() if since else None
        last = datetime.strptime(until, "%Y-%m-%d").date() if until else None
    except ValueError:
        first = last = None
        note = "日期格式应为 年-月-日；已改为显示最近 30 天。"
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
        note = "一次最多统计 366 天。"
    period = figures.Period(
        datetime.combine(first, time(0), tzinfo=china_time.ZONE),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=china_time.ZONE),
    )
    grids = viewer.member.visible_grids(grid.strip() or None)
    with resources.session_factory() as session:
        tickets = figures.ticket_figures(session, period=period, now=now, grids=grids)
        handoffs = figures.handoff_figures(session, period=period)
    with resources.tracker_factory()() as tracker:
        conversations = figures.conversation_figures(
            tracker, period=period, threshold=resources.settings.low_confidence
        )
    return Report(
        period, first.isoformat(), last.isoformat(), grid.strip(), tickets, conversations,
        handoffs, note,
    )  # fmt: skip


def _days(report: Report, series: Mapping[date, int]) -> list[tuple[str, float]]:
    """Every day of the period (zeros included), labelled 12-01."""
    out: list[tuple[str, float]] = []
    day = report.period.start.date()
    end = (report.period.end - timedelta(days=1)).date()
    while day <= end:
        out.append((day.strftime("%m-%d"), float(series.get(day, 0))))
        day += timedelta(days=1)
    return out


@router.get("/console/figures", response_class=HTMLResponse)
def page(
    request: Request,
    viewer: CurrentStaff,
    resources: ResourcesDep,
    since: str = "",
    until: str = "",
    grid: str = "",
) -> HTMLResponse:
    report = _report(resources, viewer, since, until, grid)
    t = report.tickets
    on_time = [
        (SEVERITY_LABELS[s], round(100 * (t.on_time[s] or 0), 1))
        for s in Severity
        if t.decided.get(s)
    ]
    with resources.session_factory() as session:
        grids = known_grids(session=session) if viewer.member.sees_all_grids else []
    charts = {
        "conversations": bar_chart(
            _days(report, report.conversations.per_day), title="每天的会话数"
        ),
        "handoffs": bar_chart(_days(report, report.handoffs.per_day), title="每天的转人工数"),
        "on_time": bar_chart(on_time, title="按“1341”时限完成的比例", unit="%"),
        "open": bar_chart(
            sorted(((g, float(n)) for g, n in t.open_per_grid.items()), key=lambda p: -p[1])[:20],
            title="各网格未办结工单（当前）",
        ),
    }
    return render(
        request,
        "figures.html",
        viewer,
        r=report,
        charts=charts,
        severities=SEVERITY_LABELS,
        grid_choices=grids if viewer.member.sees_all_grids else list(viewer.member.grids),
        error=report.note,
    )


@router.get("/console/figures.csv")
def export_csv(
    viewer: CurrentStaff,
    resources: ResourcesDep,
    since: str = "",
    until: str = "",
    grid: str = "",
) -> Response:
    report = _report(resources, viewer, since, until, grid)
    t, c, h = report.tickets, report.conversations, report.handoffs
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["figure", "key", "value"])
    writer.writerow(["period", "from", report.since])
    writer.writerow(["period", "to", report.until])
    writer.writerow(["tickets", "filed", t.filed])
    writer.writerow(["tickets", "closed", t.closed])
    writer.writerow(["tickets", "rejected", t.rejected])
    writer.writerow(["tickets", "closure_rate", _num(t.closure_rate)])
    for severity in Severity:
        writer.writerow(["on_time_rate", severity.value, _num(t.on_time.get(severity))])
    writer.writerow(["tickets", "median_close_minutes", _num(t.median_close_minutes)])
    writer.writerow(["tickets", "satisfaction", _num(t.satisfaction)])
    writer.writerow(["tickets", "ratings", t.ratings])
    for name, count in sorted(t.open_per_grid.items()):
        writer.writerow(["open_per_grid", name, count])
    for day, count in c.per_day.items():
        writer.writerow(["conversations_per_day", day.isoformat(), count])
    writer.writerow(["conversations", "messages", c.messages])
    writer.writerow(["conversations", "fallback_share", _num(c.fallback_share)])
    writer.writerow(["conversations", "low_confidence_share", _num(c.low_confidence_share)])
    for day, count in h.per_day.items():
        writer.writerow(["handoffs_per_day", day.isoformat(), count])
    writer.writerow(["handoffs", "median_wait_minutes", _num(h.median_wait_minutes)])
    with resources.session_factory.begin() as session:
        audit.record(
            session=session,
            actor=viewer.username,
            action="figures.export",
            target=f"{report.since}..{report.until}",
            now=utcnow(),
            address=viewer.address,
            details={"grid": report.grid} if report.grid else None,
        )
    filename = f"jiamenkou-figures-{report.since}-{report.until}.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),  # BOM: Excel then reads the Chinese grid names
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
