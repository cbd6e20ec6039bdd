"""Service sites (admin): search, edit hours and services through the registry's own record
validators, and import or export the registry as GeoJSON or CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bot.console.deps import AdminStaff, PostingAdmin, ResourcesDep, Viewer
from bot.console.errors import PageNotFound
from bot.console.resources import ConsoleResources
from bot.console.templating import render
from bot.db.columns import utcnow
from bot.db.sites import Site
from bot.sites.csv_io import dump_csv, parse_csv
from bot.sites.errors import SiteImportError
from bot.sites.geojson_io import dump_geojson, parse_geojson
from bot.sites.hours import format_hours
from bot.sites.records import Problem, RecordReader, SiteRecord
from bot.sites.registry import record_of, site_records, upsert_sites
from bot.staff import audit

router = APIRouter()
PAGE_SIZE = 100
FIELD_LABELS = {
    "hours": "开放时间",
    "services": "服务",
    "holiday": "节假日",
    "phone": "电话",
    "accessibility": "无障碍",
    "file": "文件",
    "read": "读取",
}
Field = Annotated[str, Form()]


def _get(resources: ConsoleResources, site_id: int) -> SiteRecord:
    with resources.session_factory() as session:
        site = session.scalars(
            select(Site)
            .where(Site.id == site_id)
            .options(selectinload(Site.hours), selectinload(Site.services))
        ).first()
        if site is None:
            raise PageNotFound("没有这个站点。")
        return record_of(site)


@router.get("/console/sites", response_class=HTMLResponse)
def listing(
    request: Request, viewer: AdminStaff, resources: ResourcesDep, q: str = ""
) -> HTMLResponse:
    query = select(Site).order_by(Site.community, Site.name)
    term = q.strip()[:50]
    if term:
        like = f"%{term}%"
        query = query.where(
            or_(
                Site.name.like(like),
                Site.address.like(like),
                Site.community.like(like),
                Site.grid.like(like),
                Site.kind.like(like),
            )
        )
    with resources.session_factory() as session:
        rows = [
            (s.id, s.name, s.kind, s.community, s.grid, s.address, s.sample)
            for s in session.scalars(query.limit(PAGE_SIZE))
        ]
    return render(request, "sites.html", viewer, rows=rows, q=term, page_size=PAGE_SIZE)


def _edit_page(
    request: Request,
    viewer: Viewer,
    resources: ConsoleResources,
    site_id: int,
    *,
    problems: list[Problem] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    record = _get(resources, site_id)
    shown = form or {
        "hours": format_hours(record.hours) if record.hours is not None else "",
        "holiday": record.holiday.value,
        "services": "、".join(record.services),
    }
    return render(
        request,
        "site.html",
        viewer,
        status=400 if problems else 200,
        site_id=site_id,
        s=record,
        form=shown,
        problems=[(FIELD_LABELS.get(p.field, p.field), p.message) for p in problems or []],
    )


@router.get("/console/sites/{site_id:int}", response_class=HTMLResponse)
def edit_form(
    request: Request, site_id: int, viewer: AdminStaff, resources: ResourcesDep
) -> HTMLResponse:
    return _edit_page(request, viewer, resources, site_id)


@router.post("/console/sites/{site_id:int}", response_class=HTMLResponse)
def save(
    request: Request,
    site_id: int,
    viewer: PostingAdmin,
    resources: ResourcesDep,
    hours: Field = "",
    holiday: Field = "",
    services: Field = "",
) -> Response:
    form = {"hours": hours, "holiday": holiday, "services": services}
    current = _get(resources, site_id)
    # The site as its export row, with the edited fields: the import's validators check it.
    raw = next(csv.DictReader(io.StringIO(dump_csv([current]))))
    raw.update(hours=hours.strip(), holiday=holiday.strip(), services=services.strip())
    reader = RecordReader(resources.vocabulary)
    record = reader.read(raw, "form")
    if record is None or reader.problems:
        return _edit_page(request, viewer, resources, site_id, problems=reader.problems, form=form)
    with resources.session_factory.begin() as session:
        upsert_sites(session=session, records=[record])
        audit.record(
            session=session,
            actor=viewer.username,
            action="site.edit",
            target=f"{record.name}"[:128],
            now=utcnow(),
            address=viewer.address,
            details=form,
        )
    return RedirectResponse(f"/console/sites/{site_id}?done=site", status_code=303)


@router.post("/console/sites/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    viewer: PostingAdmin,
    resources: ResourcesDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    def refused(problems: list[Problem]) -> HTMLResponse:
        return render(
            request,
            "sites.html",
            viewer,
            status=400,
            rows=[],
            q="",
            page_size=PAGE_SIZE,
            error="文件没有导入，站点信息没有任何改动。请改正以下问题后再导入：",
            problems=[(p.where, FIELD_LABELS.get(p.field, p.field), p.message) for p in problems],
        )

    name = (file.filename or "") if file is not None else ""
    if file is None or not name:
        return refused([Problem("file", "file", "choose a .geojson, .json or .csv file")])
    data = await file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return refused([Problem("file", "read", "the file is not UTF-8 text")])
    suffix = name.lower().rsplit(".", 1)[-1]
    try:
        if suffix == "csv":
            records = parse_csv(text, vocabulary=resources.vocabulary, source=name)
        elif suffix in ("geojson", "json"):
            records = parse_geojson(text, vocabulary=resources.vocabulary, source=name)
        else:
            return refused([Problem("file", "file", "expected a .geojson, .json or .csv file")])
    except SiteImportError as exc:
        return refused(exc.problems)
    with resources.session_factory.begin() as session:
        summary = upsert_sites(session=session, records=records)
        audit.record(
            session=session,
            actor=viewer.username,
            action="sites.import",
            target=name[:128],
            now=utcnow(),
            address=viewer.address,
            details={
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
    return RedirectResponse("/console/sites?done=imported", status_code=303)


@router.get("/console/sites/export.{kind}")
def export(kind: str, viewer: AdminStaff, resources: ResourcesDep) -> Response:
    if kind not in ("geojson", "csv"):
        raise PageNotFound("只能导出 GeoJSON 或 CSV。")
    with resources.session_factory.begin() as session:
        records = site_records(session=session)
        audit.record(
            session=session,
            actor=viewer.username,
            action="sites.export",
            target=kind,
            now=utcnow(),
            address=viewer.address,
        )
    if kind == "csv":
        body, media = "\ufeff" + dump_csv(records), "text/csv; charset=utf-8"
    else:
        body, media = dump_geojson(records), "application/geo+json"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="jiamenkou-sites.{kind}"'},
    )
