"""Chatting with the shared test engine over its REST channel, as a bridge does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.engine.processes import StackConfig


@pytest.fixture
def http(engine_stack: StackConfig) -> Iterator[httpx.Client]:
    # The REST channel answers only holders of the engine token (the bridges).
    bearer = {"Authorization": f"Bearer {engine_stack.token}"}
    with httpx.Client(base_url=engine_stack.engine_url, timeout=60, headers=bearer) as client:
        yield client


def new_resident(channel: str = "terminal") -> str:
    return f"{channel}:{uuid.uuid4().hex[:12]}"


def reply(http: httpx.Client, who: str, text: str) -> list[dict[str, Any]]:
    response = http.post("/webhooks/rest/webhook", json={"sender": who, "message": text})
    assert response.status_code == 200
    answer: list[dict[str, Any]] = response.json()
    return answer


def say(http: httpx.Client, who: str, text: str) -> str:
    """The text of every message the assistant answered `text` with."""
    return "\n".join(str(m.get("text") or "") for m in reply(http, who, text))
