"""GET services.json and services/{code}.json with GeoReport v2 field names."""

from __future__ import annotations

from fastapi.testclient import TestClient

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"}  # fmt: skip


def test_service_list_has_every_problem_type(client: TestClient) -> None:
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    services = response.json()
    assert all(set(s) == SERVICE_FIELDS for s in services)
    by_name = {s["service_name"]: s for s in services}
    wire = by_name["飞线充电"]
    assert wire["service_code"] == "flying-wire-charging"
    assert wire["metadata"] is False and wire["type"] == "realtime"
    assert wire["group"] == "安全隐患" and "私拉电线" in wire["keywords"].split(",")
    assert "30分钟" in wire["description"]


def test_service_definition(client: TestClient) -> None:
    response = client.get("/open311/v2/services/elevator-fault.json")
    assert response.status_code == 200
    assert response.json() == {"service_code": "elevator-fault", "attributes": []}


def test_unknown_service_is_an_open311_error(client: TestClient) -> None:
    response = client.get("/open311/v2/services/potholes.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code potholes not found"}]


def test_unknown_path_uses_the_error_format_too(client: TestClient) -> None:
    response = client.get("/open311/v2/nothing.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
