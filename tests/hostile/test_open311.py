"""Hostile callers of the Open311 API: huge, malformed and repeated requests get the expected
4xx in GeoReport's error format, never a 5xx, and nothing is filed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.tickets import Ticket
from tests.hostile.conftest import Web, web_service
from tests.tickets.builders import HESHUN

URL = "/open311/v2/requests.json"


def fields(key: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "api_key": key,
        "service_code": "broken-street-light",
        "lat": str(HESHUN[0]),
        "long": str(HESHUN[1]),
        "description": "东门路灯不亮",
    }
    base.update(changes)
    return base


def tickets(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Ticket)) or 0)


def run(
    settings: Settings, db_engine: Engine, scenario: Callable[[Web], Awaitable[None]], **kw: Any
) -> None:
    async def main() -> None:
        async with web_service(settings, db_engine, **kw) as web:
            await scenario(web)

    asyncio.run(main())


def georeport_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    [error] = response.json()
    assert error["code"] == status
    return str(error["description"])


def test_a_huge_declared_body_is_refused_before_it_is_read(
    settings: Settings, db_engine: Engine
) -> None:
    async def scenario(web: Web) -> None:
        read = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal read
            for _ in range(200):  # 200 MB if anyone kept reading
                read += 1
                yield b"x" * (1 << 20)

        headers = {"content-type": "application/x-www-form-urlencoded",
                   "content-length": str(200 << 20)}  # fmt: skip
        response = await web.http.post(URL, content=body(), headers=headers)
        assert "64 KiB" in georeport_error(response, 413)
        assert read <= 1

    run(settings, db_engine, scenario)


def test_a_chunked_body_over_the_limit_is_cut_off_at_the_limit(
    settings: Settings, db_engine: Engine
) -> None:
    async def scenario(web: Web) -> None:
        read = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal read
            for _ in range(1000):
                read += 1
                yield b"x" * 8192

        response = await web.http.post(
            URL, content=body(), headers={"content-type": "application/x-www-form-urlencoded"}
        )
        georeport_error(response, 413)
        assert read < 20  # 64 KiB = 8 chunks, not 8 MB

    run(settings, db_engine, scenario)


def test_bad_keys_from_one_address_are_slowed_down_with_retry_after(
    settings: Settings, db_engine: Engine, api_key: str
) -> None:
    async def scenario(web: Web) -> None:
        codes = [
            (await web.http.post(URL, data=fields(f"jmk_guess{i}"))).status_code for i in range(200)
        ]
        assert codes[:10] == [403] * 10
        assert set(codes[10:]) == {429}
        limited = await web.http.post(URL, data=fields("jmk_guess"))
        assert int(limited.headers["retry-after"]) >= 1
        georeport_error(limited, 429)

    run(settings, db_engine, scenario)


def test_one_key_is_limited_per_window_and_the_address_limit_covers_every_endpoint(
    settings: Settings, db_engine: Engine, api_key: str, factory: sessionmaker[Session]
) -> None:
    async def scenario(web: Web) -> None:
        codes = []
        for i in range(100):
            response = await web.http.post(URL, data=fields(api_key, description=f"路灯不亮{i}"))
            codes.append(response.status_code)
        assert codes[:30] == [201] * 30
        assert set(codes[30:]) == {429}
        assert tickets(factory) == 30

    run(settings, db_engine, scenario, open311_limit_per_key=30)

    async def reads(web: Web) -> None:
        codes = [(await web.http.get("/open311/v2/services.json")).status_code for _ in range(8)]
        assert codes == [200] * 5 + [429] * 3

    run(settings, db_engine, reads, open311_limit_per_address=5)


def test_a_key_in_the_header_is_checked_before_the_body_is_parsed(
    settings: Settings, db_engine: Engine
) -> None:
    async def scenario(web: Web) -> None:
        response = await web.http.post(
            URL,
            content=b"\xff\xfe not even a form",
            headers={"x-api-key": "jmk_wrong", "content-type": "application/json"},
        )
        assert georeport_error(response, 403) == "invalid api_key"

    run(settings, db_engine, scenario)


@pytest.mark.parametrize(
    ("content", "content_type", "words"),
    [
        ('{"description": "路灯"}'.encode("gbk"), "application/json", "UTF-8"),
        (b"\xff\xfe\x00{", "application/json", "UTF-8"),
        (b"{not json", "application/json", "could not be read"),
        (b'["a", "b"]', "application/json", "must be an object"),
        (b'"just a string"', "application/json", "must be an object"),
        (b"description=%FF%FE", "application/x-www-form-urlencoded", "UTF-8"),
    ],
)
def test_unreadable_bodies_are_400_in_georeport_format(
    settings: Settings, db_engine: Engine, api_key: str, content: bytes, content_type: str,
    words: str,
) -> None:  # fmt: skip
    async def scenario(web: Web) -> None:
        response = await web.http.post(
            URL, content=content, headers={"content-type": content_type, "x-api-key": api_key}
        )
        assert words in georeport_error(response, 400)

    run(settings, db_engine, scenario)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"description": "路" * 2001}, "description is longer than 2000"),
        ({"address_string": "幸福里" * 100}, "address_string is longer than 200"),
        ({"description": {"text": "路灯"}}, "nested value"),
        ({"description": ["路灯", "不亮"]}, "nested value"),
        ({"lat": True}, "nested value"),
        ({"lat": "NaN"}, "lat and long"),
        ({"lat": "inf"}, "lat and long"),
        ({"lat": "999", "long": "-999"}, "lat and long"),
        ({"long": None}, "lat and long"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_values_are_refused_not_cut_or_coerced(
    settings: Settings,
    db_engine: Engine,
    api_key: str,
    factory: sessionmaker[Session],
    changes: dict[str, Any],
    words: str,
) -> None:
    async def scenario(web: Web) -> None:
        response = await web.http.post(URL, json=fields(api_key, **changes))
        assert words in georeport_error(response, 400)

    run(settings, db_engine, scenario)
    assert tickets(factory) == 0


def test_uploaded_files_and_repeated_fields_are_refused(
    settings: Settings, db_engine: Engine, api_key: str
) -> None:
    async def scenario(web: Web) -> None:
        upload = await web.http.post(
            URL, data=fields(api_key), files={"media": ("x.jpg", b"\xff\xd8", "image/jpeg")}
        )
        assert upload.status_code == 400
        twice = await web.http.post(
            URL,
            content=f"api_key={api_key}&service_code=a&service_code=b".encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert "more than once" in georeport_error(twice, 400)

    run(settings, db_engine, scenario)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_the_api_docs_are_not_public_outside_development(
    settings: Settings, db_engine: Engine, path: str
) -> None:
    async def production(web: Web) -> None:
        assert (await web.http.get(path)).status_code == 404

    async def development(web: Web) -> None:
        assert (await web.http.get(path)).status_code == 200

    run(settings, db_engine, production)
    run(settings, db_engine, development, environment="development")
