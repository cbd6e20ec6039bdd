"""POST and GET service requests: GeoReport v2 fields, api_key, idempotency, masking."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.tickets import Ticket, TicketStatus
from bot.tickets import lifecycle
from bot.tickets.lifecycle import Actor
from bot.tickets.queries import get_ticket
from tests.tickets.builders import HESHUN, NOW, add_site

REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
}  # fmt: skip
URL = "/open311/v2/requests.json"


def form(key: str, /, **changes: str) -> dict[str, str]:
    fields = {
        "api_key": key,
        "service_code": "broken-street-light",
        "lat": str(HESHUN[0] + 0.0012345),
        "long": str(HESHUN[1] + 0.0012345),
        "address_string": "幸福里小区3栋2单元501",
        "description": "东门路灯不亮，联系我13812345678",
        "phone": "13812345678",
        "account_id": "resident-9",
        "media_url": "https://img.example/1.jpg",
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v != ""}


def count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Ticket)) or 0)


def test_post_form_creates_a_ticket(
    client: TestClient, api_key: str, factory: sessionmaker[Session]
) -> None:
    with factory.begin() as session:
        add_site(session)
    response = client.post(URL, data=form(api_key))
    assert response.status_code == 201
    [body] = response.json()
    assert set(body) == {"service_request_id", "service_notice", "account_id"}
    assert body["service_request_id"].startswith("GD") and body["account_id"] == "resident-9"
    assert "复杂" in body["service_notice"]
    with factory() as session:
        ticket = get_ticket(session=session, number=body["service_request_id"])
        assert (ticket.channel, ticket.channel_user_id) == ("open311", "city-app:resident-9")
        assert ticket.category == "路灯损坏" and ticket.grid == "第一网格"
        assert ticket.reporter_phone == "+8613812345678"
        assert ticket.photos == ["https://img.example/1.jpg"]


def test_post_json_is_accepted_too(client: TestClient, api_key: str) -> None:
    response = client.post(URL, json=form(api_key, lat="", long=""))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"api_key": ""}, 400, "api_key is required"),
        ({"api_key": "jmk_wrong"}, 403, "invalid api_key"),
        ({"service_code": "potholes"}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "lat and long"),
        ({"lat": "north"}, 400, "lat must be"),
        ({"phone": "12345"}, 400, "phone"),
    ],
)
def test_post_errors_use_the_open311_format(
    client: TestClient,
    api_key: str,
    factory: sessionmaker[Session],
    fields: dict[str, str],
    status: int,
    words: str,
) -> None:
    response = client.post(URL, data=form(api_key, **fields))
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and words in error["description"]
    assert count(factory) == 0


def test_repeated_post_returns_the_first_request(
    client: TestClient, api_key: str, factory: sessionmaker[Session]
) -> None:
    first = client.post(URL, data=form(api_key))
    again = client.post(URL, data=form(api_key))
    other = client.post(URL, data=form(api_key, description="另一盏灯也坏了"))
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json() == again.json()
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert count(factory) == 2


def test_idempotency_key_header_names_the_request(
    client: TestClient, api_key: str, factory: sessionmaker[Session]
) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = client.post(URL, data=form(api_key), headers=headers)
    again = client.post(URL, data=form(api_key, description="网络重试"), headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert count(factory) == 1


def test_get_request_has_every_field_and_hides_personal_data(
    client: TestClient, api_key: str
) -> None:
    number = client.post(URL, data=form(api_key)).json()[0]["service_request_id"]
    response = client.get(f"/open311/v2/requests/{number.lower()}.json")
    assert response.status_code == 200
    [request] = response.json()
    assert set(request) == REQUEST_FIELDS
    assert request["service_request_id"] == number and request["status"] == "open"
    assert request["service_code"] == "broken-street-light"
    assert request["service_name"] == "路灯损坏"
    assert request["status_notes"] == "已受理"
    assert request["address"] == "幸福里小区**"
    assert request["lat"] == round(HESHUN[0] + 0.0012345, 3)
    assert request["long"] == round(HESHUN[1] + 0.0012345, 3)
    assert request["media_url"] == "https://img.example/1.jpg"
    assert "13812345678" not in response.text and "138****5678" in request["description"]
    requested = datetime.fromisoformat(request["requested_datetime"])
    assert requested.utcoffset() is not None and request["requested_datetime"].endswith("+08:00")
    assert datetime.fromisoformat(request["expected_datetime"]) > requested


def test_get_unknown_request(client: TestClient) -> None:
    for number in ("GD999999", "not-a-number"):
        response = client.get(f"/open311/v2/requests/{number}.json")
        assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_get_requests_filters(
    client: TestClient, api_key: str, factory: sessionmaker[Session]
) -> None:
    light = client.post(URL, data=form(api_key)).json()[0]["service_request_id"]
    leak = client.post(URL, data=form(api_key, service_code="water-leak")).json()[0][
        "service_request_id"
    ]
    with factory.begin() as session:
        ticket = get_ticket(session=session, number=leak)
        staff = Actor.staff("李")
        lifecycle.dispatch(session=session, ticket=ticket, actor=staff, now=NOW)
        lifecycle.close(session=session, ticket=ticket, actor=staff, now=NOW, note="已修好")
        assert ticket.status is TicketStatus.CLOSED

    def ids(**params: str) -> list[str]:
        response = client.get(URL, params=params)
        assert response.status_code == 200, response.text
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [leak, light]
    assert ids(status="closed") == [leak]
    assert ids(status="open") == [light]
    assert ids(status="open,closed") == [leak, light]
    assert ids(service_code="broken-street-light") == [light]
    assert ids(service_request_id=f"{light},GD999999,junk", status="closed") == [light]
    assert ids(start_date="2000-01-01T00:00:00+08:00", end_date="2000-02-01T00:00:00Z") == []
    assert ids(start_date="2000-01-01T00:00:00+08:00") == [leak, light]
    # An unencoded "+" in the query string arrives as a space; the offset still counts.
    raw = client.get(URL + "?end_date=2000-01-01T00:00:00+08:00")
    assert raw.status_code == 200 and raw.json() == []
    closed = client.get(URL, params={"status": "closed"}).json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == "已办结：已修好"


@pytest.mark.parametrize(
    "params", [{"status": "pending"}, {"start_date": "yesterday"}, {"service_code": "potholes"}]
)
def test_get_requests_bad_filters(client: TestClient, params: dict[str, str]) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 400 and response.json()[0]["code"] == 400
