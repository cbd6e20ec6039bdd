"""Client of WeChat's server API: access token (cached) and customer-service messages.

It is the `ReplySink` of late answers (the engine took longer than the passive-reply window,
or was down) and the `OutboundSender` of channel "wechat" for the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.choices import numbered, remember_choices
from bot.channels.wechat.render import as_text
from bot.db.columns import utcnow
from bot.engine.client import BotMessage
from bot.notifications.sender import Button

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
# Token invalid / expired / not the latest: fetch a new one and try once more.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
REFRESH_MARGIN_S = 300  # renew early: a token fetched elsewhere has a 5-minute overlap only


class WeChatApiError(RuntimeError):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode


class WeChatApi:
    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        base_url: str,
        session_factory: sessionmaker[Session],
        clock: Callable[[], float] = time.monotonic,
        timeout_s: float = 10.0,
    ) -> None:
        self._app_id = app_id
        self._secret = app_secret
        self._factory = session_factory
        self._clock = clock
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout_s)
        self._token: str | None = None
        self._expires_at = 0.0
        self._token_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def deliver(self, user_id: str, reply: Sequence[BotMessage]) -> None:
        text, buttons = as_text(reply)
        await self._remember(user_id, buttons)
        await self.send_text(user_id, text)

    async def send(
        self, *, channel: str, user_id: str, text: str, buttons: Sequence[Button] = ()
    ) -> None:
        await self._remember(user_id, buttons)
        await self.send_text(user_id, numbered(text, buttons))

    async def send_text(self, openid: str, text: str) -> None:
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        for attempt in (1, 2):
            token = await self._access_token(force=attempt == 2)
            data = await self._call(
                "POST", "/cgi-bin/message/custom/send", params={"access_token": token}, json=body
            )
            errcode = int(data.get("errcode", 0))
            if errcode == 0:
                return
            if errcode not in TOKEN_ERRORS or attempt == 2:
                raise WeChatApiError(errcode, str(data.get("errmsg", "")))

    async def _access_token(self, *, force: bool = False) -> str:
        async with self._token_lock:  # one fetch at a time: each fetch voids the previous
            if not force and self._token and self._clock() < self._expires_at:
                return self._token
            data = await self._call(
                "GET",
                "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self._app_id,
                    "secret": self._secret,
                },
            )
            token = data.get("access_token")
            if not token:
                raise WeChatApiError(int(data.get("errcode", -1)), str(data.get("errmsg", "")))
            lifetime = float(data.get("expires_in", 7200))
            self._token = str(token)
            self._expires_at = self._clock() + max(lifetime - REFRESH_MARGIN_S, 60.0)
            return self._token

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        # Errors are re-raised without httpx's own message: it names the URL, which carries
        # the access token or the AppSecret, and the outbox stores error texts.
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise WeChatApiError(-1, type(exc).__name__) from None
        if response.status_code >= 400:
            raise WeChatApiError(-1, f"HTTP {response.status_code}")
        data = response.json()
        if not isinstance(data, dict):
            raise WeChatApiError(-1, "unexpected answer")
        return data

    async def _remember(self, user_id: str, buttons: Sequence[Button]) -> None:
        def work() -> None:
            with self._factory.begin() as session:
                remember_choices(
                    session=session,
                    channel=CHANNEL,
                    user_id=user_id,
                    buttons=buttons,
                    now=utcnow(),
                )

        await asyncio.to_thread(work)
