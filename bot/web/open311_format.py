"""GeoReport v2 representations of our categories and tickets (field names as in the spec).

Public answers carry no phone number, a masked address and a point rounded to about 100 m:
GET requests needs no key, and a report is often made from the reporter's own door.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import china_time
from bot.db.tickets import Ticket
from bot.privacy import mask_address, mask_phones_in_text
from bot.templates.notifications import SEVERITY_LABELS, STATUS_LABELS, assignee_text, target_text
from bot.tickets.categories import Category, category, category_by_code
from bot.vocabulary import Vocabulary

_SEVERITY_NOTICE = {
    "urgent": "10分钟内到达现场",
    "ordinary": "30分钟内解决",
    "complex": "4小时内解决",
    "major": "1个工作日内形成解决方案",
}


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset, as the spec asks (timezone always included)."""
    return china_time.to_china(moment).isoformat(timespec="seconds") if moment else None


def services(vocabulary: Vocabulary) -> list[dict[str, Any]]:
    return [
        service(category(name), synonyms) for name, synonyms in vocabulary.problem_types.items()
    ]


def service(entry: Category, synonyms: list[str]) -> dict[str, Any]:
    return {
        "service_code": entry.code,
        "service_name": entry.name,
        "description": (
            f"{entry.name}（按“1341”机制：{_SEVERITY_NOTICE[entry.severity.value]}，"
            f"未解决事项5个工作日内跟进）"
        ),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(synonyms),
        "group": entry.group,
    }


def find_service(vocabulary: Vocabulary, code: str) -> Category | None:
    """The category behind a service_code, only if the vocabulary offers it."""
    entry = category_by_code(code)
    if entry is None and code in vocabulary.problem_types:
        entry = category(code)
    if entry is None or entry.name not in vocabulary.problem_types:
        return None
    return entry


def service_definition(entry: Category) -> dict[str, Any]:
    # No extra attributes: every service takes the standard fields only (metadata false).
    return {"service_code": entry.code, "attributes": []}


def service_request(ticket: Ticket) -> dict[str, Any]:
    lat = round(ticket.lat, 3) if ticket.lat is not None else None
    lon = round(ticket.lon, 3) if ticket.lon is not None else None
    status_notes = STATUS_LABELS[ticket.status]
    if ticket.status_note:
        status_notes += f"：{mask_phones_in_text(ticket.status_note)}"
    return {
        "service_request_id": ticket.number,
        "status": "open" if ticket.status.is_open else "closed",
        "status_notes": status_notes,
        "service_name": ticket.category,
        "service_code": category(ticket.category).code,
        "description": mask_phones_in_text(ticket.description),
        "agency_responsible": assignee_text(ticket),
        "service_notice": service_notice(ticket),
        "requested_datetime": iso(ticket.created_at),
        "updated_datetime": iso(ticket.updated_at),
        "expected_datetime": iso(ticket.due_at),
        "address": mask_address(ticket.address),
        "address_id": "",
        "zipcode": "",
        "lat": lat,
        "long": lon,
        "media_url": _media_url(ticket),
    }


def service_notice(ticket: Ticket) -> str:
    return f"{SEVERITY_LABELS[ticket.severity]}：{target_text(ticket)}"


def _media_url(ticket: Ticket) -> str:
    # Telegram/WeChat file ids are not URLs and mean nothing to an API client.
    for photo in ticket.photos or []:
        if photo.startswith(("https://", "http://")):
            return photo
    return ""
