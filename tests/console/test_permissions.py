"""Every console route refuses anonymous users, and each area refuses the wrong role."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from bot.console import AREAS as AREAS_MODULES
from tests.console.conftest import Login

PUBLIC = {("GET", "/console/login"), ("POST", "/console/login")}
SAMPLE = {"number": "GD000001", "cid": "c0123456789abcd", "site_id": "1", "kind": "csv",
          "username": "wang", "inbox_id": "i0123456789", "model_id": "m0001"}  # fmt: skip


def _console_routes() -> list[tuple[str, str]]:
    found = []
    routes = [r for area in AREAS_MODULES for r in area.router.routes]
    for route in routes:
        if isinstance(route, APIRoute) and route.path.startswith("/console"):
            for method in route.methods:
                path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLE[m.group(1)], route.path)
                if (method, route.path) not in PUBLIC:
                    found.append((method, path))
    return sorted(found)


def test_every_console_route_refuses_anonymous_users(app_client: TestClient) -> None:
    routes = _console_routes()
    assert len(routes) > 20  # the table below is not empty by accident
    for method, path in routes:
        response = app_client.request(method, path, follow_redirects=False)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"].startswith("/console/login")


# (method, path, roles allowed); a refused role gets 403.
AREAS = [
    ("GET", "/console/handoffs", {"admin", "wang"}),
    ("GET", "/console/accounts", {"admin"}),
    ("GET", "/console/audit", {"admin"}),
    ("GET", "/console/sites", {"admin"}),
    ("GET", "/console/sites/export.geojson", {"admin"}),
    ("GET", "/console/tickets", {"admin", "wang", "trainer"}),
    ("GET", "/console/conversations", {"admin", "wang", "trainer"}),
    ("GET", "/console/figures", {"admin", "wang", "trainer"}),
    ("GET", "/console/figures.csv", {"admin", "wang", "trainer"}),
    ("POST", "/console/accounts", {"admin"}),
    ("POST", "/console/sites/import", {"admin"}),
    ("POST", "/console/handoffs/c0123456789abcd/claim", {"admin", "wang"}),
    ("POST", "/console/tickets/GD000001/status", {"admin", "wang"}),
    ("GET", "/console/nlu/", {"admin", "trainer"}),
    ("GET", "/console/nlu/models", {"admin", "trainer"}),
]


@pytest.mark.parametrize("who", ["admin", "wang", "trainer"])
def test_each_area_refuses_the_wrong_role(login: Login, who: str) -> None:
    client, csrf = login(who)
    for method, path, allowed in AREAS:
        data = {"csrf_token": csrf} if method == "POST" else None
        response = client.request(method, path, data=data)
        if who in allowed:
            assert response.status_code != 403, (who, method, path)
        else:
            assert response.status_code == 403, (who, method, path, response.status_code)
            assert "没有权限" in response.text


def test_console_404_and_bad_input_are_pages_not_json(login: Login) -> None:
    client, _ = login("admin")
    missing = client.get("/console/no-such-page")
    assert missing.status_code == 404 and "找不到" in missing.text
    assert (
        client.get("/open311/v2/nothing.json")
        .headers["content-type"]
        .startswith("application/json")
    )  # other areas keep their own error format
