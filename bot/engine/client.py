"""HTTP client for the running engine: the REST channel (conversation) and /model/parse (NLU)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from bot.errors import EngineUnavailable


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str = ""
    buttons: list[Button] = field(default_factory=list)
    image: str | None = None
    custom: dict[str, Any] | None = None

    @classmethod
    def from_rest(cls, raw: dict[str, Any]) -> BotMessage:
        buttons = [
            Button(str(b.get("title", "")), str(b.get("payload", "")))
            for b in raw.get("buttons") or []
        ]
        return cls(
            text=str(raw.get("text") or ""),
            buttons=buttons,
            image=raw.get("image"),
            custom=raw.get("custom"),
        )


class EngineClient:
    """Talks to Rasa over HTTP only, as any deployment would; one instance per process."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 30.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._http = httpx.AsyncClient(base_url=self._base_url, timeout=timeout_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[BotMessage]:
        body: dict[str, Any] = {"sender": sender_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        # The REST channel answers only the bridges (engine/jiamenkou_engine/channel.py).
        data = await self._post(
            "/webhooks/rest/webhook", body, headers={"Authorization": f"Bearer {self._token}"}
        )
        return [BotMessage.from_rest(item) for item in data or []]

    async def parse(self, text: str) -> dict[str, Any]:
        data = await self._post("/model/parse", {"text": text}, authorised=True)
        if not isinstance(data, dict):
            raise EngineUnavailable(f"unexpected answer from {self._base_url}/model/parse")
        return data

    async def is_up(self) -> bool:
        try:
            response = await self._http.get("/")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def _post(
        self,
        path: str,
        body: dict[str, Any],
        *,
        authorised: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Any:
        params = {"token": self._token} if authorised else None
        try:
            response = await self._http.post(path, json=body, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise unreachable(self._base_url, exc) from exc
        if response.status_code >= 400:
            raise EngineUnavailable(
                f"the engine at {self._base_url} answered {response.status_code} on {path}"
            )
        return response.json()


def unreachable(base_url: str, exc: Exception) -> EngineUnavailable:
    return EngineUnavailable(
        f"the engine at {base_url} is not reachable ({type(exc).__name__}); "
        "start it with `jiamenkou up`"
    )


class EngineAdmin:
    """The engine's conversation API (token required): pause, resume, add events. Blocking, for
    the command line and the web service's background work (through a thread)."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 10.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout_s = timeout_s

    def append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        # Sanic does not decode %3A in a path parameter: keep ":" of "wechat:…" as it is.
        path = f"/conversations/{quote(sender_id, safe=':')}/tracker/events"
        try:
            response = httpx.post(
                f"{self._base_url}{path}",
                params={"token": self._token, "include_events": "NONE"},
                json=events,
                timeout=self._timeout_s,
            )
        except httpx.HTTPError as exc:
            raise unreachable(self._base_url, exc) from exc
        if response.status_code >= 400:
            raise EngineUnavailable(
                f"the engine at {self._base_url} refused the conversation update "
                f"({response.status_code})"
            )

    def pause(self, sender_id: str) -> None:
        self.append_events(sender_id, [{"event": "pause"}])

    def resume(self, sender_id: str) -> None:
        # Messages taken while paused ran no actions; without a fresh `action_listen` the next
        # message matches no rule (Rasa's rules start from "the assistant was listening").
        self.append_events(
            sender_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        )

    def note_staff_reply(self, sender_id: str, text: str, by: str) -> None:
        """Put a person's reply into the record, where staff and trainers read conversations."""
        self.append_events(sender_id, [{"event": "bot", "text": text, "metadata": {"staff": by}}])
