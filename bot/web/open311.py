"""Open311 GeoReport v2 endpoints under /open311/v2/ (JSON format only).

POST requests.json takes the spec's form-encoded fields (JSON is accepted too) and needs an
`api_key` (body, query string or X-Api-Key header); see `open311_guard` for the limits. A repeated POST files nothing new: the `Idempotency-Key` header, or else a
fingerprint of the client, its fields and the local day, names the request, and the ticket
filed for it the first time is returned (HTTP 200 instead of 201).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from bot import china_time
from bot.db.columns import utcnow
from bot.db.tickets import TicketStatus
from bot.sites.coords import valid_point
from bot.tickets.errors import InvalidTicketNumber
from bot.tickets.filing import NewReport, file_report
from bot.tickets.numbers import parse_number
from bot.tickets.queries import OPEN_STATUSES, get_ticket, list_tickets
from bot.vocabulary import Vocabulary
from bot.web import open311_format as fmt
from bot.web.deps import ReadSessionDep, SessionFactoryDep, VocabularyDep
from bot.web.errors import Open311Error
from bot.web.open311_guard import authorised_client, limit_address, post_fields, presented_key

router = APIRouter(prefix="/open311/v2", tags=["open311"], dependencies=[Depends(limit_address)])

CHANNEL = "open311"
DEFAULT_WINDOW = timedelta(days=90)  # the spec's default query span
MAX_RESULTS = 1000
CLOSED_STATUSES = (TicketStatus.CLOSED, TicketStatus.REJECTED)
_FINGERPRINT_FIELDS = (
    "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
    "email", "device_id", "account_id", "first_name", "last_name", "phone", "description",
    "media_url",
)  # fmt: skip


@router.get("/services.json")
def get_services(vocabulary: VocabularyDep) -> list[dict[str, Any]]:
    return fmt.services(vocabulary)


@router.get("/services/{service_code}.json")
def get_service_definition(service_code: str, vocabulary: VocabularyDep) -> dict[str, Any]:
    entry = fmt.find_service(vocabulary, service_code)
    if entry is None:
        raise Open311Error(404, f"service_code {service_code} not found")
    return fmt.service_definition(entry)


@router.get("/requests.json")
def get_requests(
    session: ReadSessionDep,
    vocabulary: VocabularyDep,
    service_request_id: Annotated[str | None, Query()] = None,
    service_code: Annotated[str | None, Query()] = None,
    start_date: Annotated[str | None, Query()] = None,
    end_date: Annotated[str | None, Query()] = None,
    status_: Annotated[str | None, Query(alias="status")] = None,
) -> list[dict[str, Any]]:
    if service_request_id:
        # Per the spec, explicit ids override every other filter.
        ids = [_ticket_id(part) for part in _split(service_request_id)]
        tickets = list_tickets(session=session, ids=[i for i in ids if i is not None])
        return [fmt.service_request(t) for t in tickets]
    categories: list[str] = []
    for code in _split(service_code):
        entry = fmt.find_service(vocabulary, code)
        if entry is None:
            raise Open311Error(400, f"service_code {code} not found")
        categories.append(entry.name)
    until = _date(end_date, "end_date")
    since = _date(start_date, "start_date")
    if since is None:
        since = (until or utcnow()) - DEFAULT_WINDOW
    tickets = list_tickets(
        session=session,
        statuses=_statuses(status_),
        categories=categories,
        since=since,
        until=until,
        limit=MAX_RESULTS,
    )
    return [fmt.service_request(t) for t in tickets]


@router.get("/requests/{service_request_id}.json")
def get_request(service_request_id: str, session: ReadSessionDep) -> list[dict[str, Any]]:
    ticket = get_ticket(session=session, number=service_request_id)
    return [fmt.service_request(ticket)]


@router.post("/requests.json", status_code=status.HTTP_201_CREATED)
async def post_request(
    request: Request,
    factory: SessionFactoryDep,
    vocabulary: VocabularyDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    # The key first: from a header or the query string before the body is even parsed, else
    # from the (size-capped) body before any other field is looked at.
    early_key = presented_key(request, {})
    client = None
    if early_key:
        client = await run_in_threadpool(authorised_client, request, early_key, factory)
    fields = await post_fields(request)
    if client is None:
        client = await run_in_threadpool(
            authorised_client, request, presented_key(request, fields), factory
        )
    return await run_in_threadpool(
        _file_request, client.name, fields, factory, vocabulary, idempotency_key
    )


def _file_request(
    client_name: str,
    fields: dict[str, str],
    factory: sessionmaker[Session],
    vocabulary: Vocabulary,
    idempotency_key: str | None,
) -> JSONResponse:
    entry = fmt.find_service(vocabulary, (fields.get("service_code") or "").strip())
    if entry is None:
        raise Open311Error(400, "service_code is missing or not one of services.json")
    lat, lon = _coordinate(fields, "lat"), _coordinate(fields, "long")
    if (lat is None) != (lon is None) or (lat is not None and valid_point(lat, lon) is None):
        raise Open311Error(400, "lat and long must both be given, within ±90 and ±180")
    address = (fields.get("address_string") or "").strip() or None
    if (lat is None or lon is None) and address is None:
        raise Open311Error(400, "lat and long, or address_string, are required")
    media_url = (fields.get("media_url") or "").strip()
    if media_url and not media_url.startswith(("https://", "http://")):
        raise Open311Error(400, "media_url must be an http(s) URL")
    with factory.begin() as session:
        reporter = fields.get("account_id") or fields.get("device_id") or "-"
        filed = file_report(
            session=session,
            report=NewReport(
                channel=CHANNEL,
                user_id=f"{client_name}:{reporter}"[:128],
                category=entry.name,
                description=fields.get("description", ""),
                lat=lat,
                lon=lon,
                address=address,
                photos=[media_url] if media_url else [],
                phone=fields.get("phone") or None,
                message_id=_request_key(client_name, fields, idempotency_key),
            ),
        )
        body = [
            {
                "service_request_id": filed.ticket.number,
                "service_notice": fmt.service_notice(filed.ticket),
                "account_id": fields.get("account_id") or None,
            }
        ]
    code = status.HTTP_201_CREATED if filed.created else status.HTTP_200_OK
    return JSONResponse(body, status_code=code)


def _request_key(client: str, fields: dict[str, str], header: str | None) -> str:
    if header and header.strip():
        return f"{client}:key:{header.strip()}"[:128]
    day = china_time.today().isoformat()
    canonical = json.dumps(
        [client, day, *[fields.get(name, "").strip() for name in _FINGERPRINT_FIELDS]],
        ensure_ascii=False,
    )
    return f"{client}:fp:{hashlib.sha256(canonical.encode()).hexdigest()[:40]}"[:128]


def _coordinate(fields: dict[str, str], name: str) -> float | None:
    raw = (fields.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a decimal number (WGS-84)") from exc
    return value


def _split(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _ticket_id(raw: str) -> int | None:
    try:
        return parse_number(raw)
    except InvalidTicketNumber:
        return None  # an id that cannot exist matches nothing, like an unknown one


def _statuses(raw: str | None) -> list[TicketStatus]:
    chosen: list[TicketStatus] = []
    for part in _split(raw):
        if part == "open":
            chosen.extend(OPEN_STATUSES)
        elif part == "closed":
            chosen.extend(CLOSED_STATUSES)
        else:
            raise Open311Error(400, f"status must be open or closed, not {part}")
    return chosen


def _date(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        # An unencoded "+08:00" in a query string arrives as " 08:00".
        parsed = datetime.fromisoformat(re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw.strip()))
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be an ISO 8601 date-time") from exc
    # A date-time without an offset is read as local time (Asia/Shanghai).
    return parsed if parsed.tzinfo else china_time.to_china(parsed)
