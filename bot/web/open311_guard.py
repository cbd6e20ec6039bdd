"""What every Open311 call passes before its endpoint works: rate limits per client address
and per API key, the key itself, and a strict reading of the POST fields.

The body has already been capped by `limits.BodyLimit`; here nothing is stored or looked up
before the key is known good, and values are refused rather than cut or coerced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.api_keys import ApiKey
from bot.sliding_window import SlidingWindow
from bot.web.api_keys import verify_api_key
from bot.web.errors import Open311Error

API_KEY_HEADER = "X-Api-Key"
MAX_FIELDS = 50
# The ticket columns these fields end in, or what a reader can use; longer is refused (400).
MAX_LENGTHS = {"description": 2000, "address_string": 200, "media_url": 1000}
DEFAULT_MAX_LENGTH = 200


@dataclass(frozen=True)
class Open311Limits:
    per_address: SlidingWindow
    bad_keys: SlidingWindow
    per_key: SlidingWindow

    @classmethod
    def from_settings(cls, settings: Settings) -> Open311Limits:
        window = settings.open311_limit_window_s
        return cls(
            per_address=SlidingWindow(limit=settings.open311_limit_per_address, window_s=window),
            bad_keys=SlidingWindow(limit=settings.open311_limit_bad_keys, window_s=window),
            per_key=SlidingWindow(limit=settings.open311_limit_per_key, window_s=window),
        )


def _limits(request: Request) -> Open311Limits:
    limits: Open311Limits = request.app.state.open311_limits
    return limits


def client_address(request: Request) -> str:
    # uvicorn puts X-Forwarded-For here only for trusted proxies (--forwarded-allow-ips).
    return request.client.host if request.client else "-"


def _too_many(retry_after: int) -> Open311Error:
    return Open311Error(
        429,
        f"too many requests; try again in {retry_after} seconds",
        headers={"Retry-After": str(retry_after)},
    )


def limit_address(request: Request) -> None:
    """Router dependency: every Open311 call counts against its client address."""
    wait = _limits(request).per_address.hit(client_address(request))
    if wait is not None:
        raise _too_many(wait)


async def post_fields(request: Request) -> dict[str, str]:
    """The POST body as flat text fields, from a form (the spec) or a JSON object; anything
    that is not plainly text or a number is refused (400), never stored as Python text."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()  # at most BodyLimit's size
    if content_type == "application/json":
        return _json_fields(body)
    if content_type == "multipart/form-data":
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        return _checked({k: v for k, v in form.multi_items() if isinstance(v, str)})
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                          max_num_fields=MAX_FIELDS, errors="strict")  # fmt: skip
    except (UnicodeDecodeError, ValueError) as exc:
        raise Open311Error(400, "the form body is not valid UTF-8 form data") from exc
    return _checked(pairs)


def _json_fields(body: bytes) -> dict[str, str]:
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise Open311Error(400, "the JSON body could not be read (UTF-8 JSON expected)") from exc
    if not isinstance(raw, dict):
        raise Open311Error(400, "the JSON body must be an object")
    fields: list[tuple[str, str]] = []
    for name, value in raw.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Open311Error(400, f"{name} must be a string or a number, not a nested value")
        fields.append((name, str(value)))
    return _checked(fields)


def _checked(pairs: Any) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise Open311Error(400, f"{name} is given more than once")
        limit = MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH)
        if len(value) > limit:
            raise Open311Error(400, f"{name} is longer than {limit} characters")
        fields[name] = value
    if len(fields) > MAX_FIELDS:
        raise Open311Error(400, "too many fields")
    return fields


def presented_key(request: Request, fields: dict[str, str]) -> str:
    """The api_key from the X-Api-Key header, the query string or the body (the spec)."""
    return (
        request.headers.get(API_KEY_HEADER)
        or request.query_params.get("api_key")
        or fields.get("api_key")
        or ""
    ).strip()


def authorised_client(request: Request, key: str, factory: sessionmaker[Session]) -> ApiKey:
    """The key's client, checked before anything else is done with the request; failed
    attempts and each client's POSTs are rate limited."""
    limits = _limits(request)
    if not key:
        raise Open311Error(400, "api_key is required to create a service request")
    address = client_address(request)
    with factory() as session:
        client = verify_api_key(session=session, key=key)
        if client is not None:
            session.expunge(client)
    if client is None:
        wait = limits.bad_keys.hit(address)
        if wait is not None:
            raise _too_many(wait)
        raise Open311Error(403, "invalid api_key")
    wait = limits.per_key.hit(client.name)
    if wait is not None:
        raise _too_many(wait)
    return client
