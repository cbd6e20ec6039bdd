"""The REST channel with a shared secret: only the bridges may speak as a resident.

Rasa's own REST channel accepts a message for any sender from anyone who reaches the port,
and so bypasses the bridges' rate limit and input guard. This one keeps Rasa's routes
(/webhooks/rest/webhook) and refuses calls without `Authorization: Bearer <engine token>`.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_VARIABLE = "JIAMENKOU_ENGINE_TOKEN"


class TokenRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"  # same URL as Rasa's REST channel: the bridges need no other change

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TokenRestInput:
        return cls(token=os.environ.get(TOKEN_VARIABLE, ""))

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError(f"{TOKEN_VARIABLE} is not set: the REST channel would be open")
        self._expected = f"Bearer {token}".encode()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def require_token(request: Request) -> HTTPResponse | None:
            if not request.path.endswith("/webhook"):
                return None  # the health route says nothing about anyone
            given = (request.headers.get("Authorization") or "").encode()
            if hmac.compare_digest(given, self._expected):
                return None
            return response.json({"error": "unauthorised"}, status=401)

        return blueprint
