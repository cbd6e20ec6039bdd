"""Finding the nearest site in a conversation, through the real engine and action server."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from bot.db.sites import Site
from bot.engine.processes import StackConfig

pytestmark = pytest.mark.engine


@pytest.fixture
def http(engine_stack: StackConfig) -> Iterator[httpx.Client]:
    # The REST channel answers only holders of the engine token (the bridges).
    bearer = {"Authorization": f"Bearer {engine_stack.token}"}
    with httpx.Client(base_url=engine_stack.engine_url, timeout=60, headers=bearer) as client:
        yield client


@pytest.fixture
def sites(e2e_database_url: str) -> list[Site]:
    engine = create_engine(e2e_database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(Site).options(selectinload(Site.services))))
        session.expunge_all()
    engine.dispose()
    return found


def say(http: httpx.Client, who: str, text: str) -> str:
    response = http.post("/webhooks/rest/webhook", json={"sender": who, "message": text})
    assert response.status_code == 200
    return "\n".join(str(m.get("text") or "") for m in response.json())


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Brute-force oracle, independent of the registry's own spatial index.
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def location_payload(lat: float, lon: float) -> str:
    return "/share_location" + json.dumps({"latitude": lat, "longitude": lon})


def test_a_shared_location_after_the_question_gives_the_nearest_site(
    http: httpx.Client, sites: list[Site]
) -> None:
    who = f"test-{uuid.uuid4().hex[:10]}"
    target = sites[len(sites) // 2]
    lat, lon = target.lat + 0.0004, target.lon + 0.0003  # about 50 m away
    nearest = min(sites, key=lambda s: distance_m(lat, lon, s.lat, s.lon))

    asked = say(http, who, "附近有没有党群服务站")
    assert "位置" in asked  # no location yet: the assistant asks for one
    answer = say(http, who, location_payload(lat, lon))
    assert "步行" in answer
    first_card = answer.split("📍")[1]
    assert first_card.startswith(nearest.name)
    assert "uri.amap.com" in first_card


def test_a_service_in_the_question_narrows_the_search(
    http: httpx.Client, sites: list[Site]
) -> None:
    who = f"test-{uuid.uuid4().hex[:10]}"
    chargers = [s for s in sites if "电动车充电" in {sv.name for sv in s.services}]
    assert chargers, "the sample registry must have e-bike charging sites"
    target = chargers[0]
    lat, lon = target.lat - 0.0003, target.lon
    expected = min(chargers, key=lambda s: distance_m(lat, lon, s.lat, s.lon))

    say(http, who, "哪里能给电瓶车充电")
    answer = say(http, who, location_payload(lat, lon))
    assert "电动车充电" in answer
    assert answer.split("📍")[1].startswith(expected.name)


def test_opening_hours_of_the_last_site_discussed(http: httpx.Client, sites: list[Site]) -> None:
    who = f"test-{uuid.uuid4().hex[:10]}"
    target = sites[0]
    say(http, who, "附近的服务站在哪")
    answer = say(http, who, location_payload(target.lat, target.lon))
    shown = answer.split("📍")[1].split("\n")[0]
    hours = say(http, who, "那它几点关门")
    assert hours.startswith(shown)
    assert "开放时间" in hours
