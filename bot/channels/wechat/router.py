"""The `/wechat` callback endpoint: URL verification (GET) and signed messages (POST)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.contracts import Engine
from bot.channels.relay import ChannelRelay, make_relay
from bot.channels.wechat.api import CHANNEL, WeChatApi
from bot.channels.wechat.crypto import (
    CryptoError,
    MessageCrypto,
    SignatureError,
    check_signature,
)
from bot.channels.wechat.handler import WeChatHandler
from bot.channels.wechat.wire import (
    MAX_BODY_BYTES,
    WeChatMessage,
    WireError,
    encrypted_reply,
    parse_fields,
    text_reply,
)
from bot.config import Settings
from bot.engine.client import EngineClient

logger = logging.getLogger(__name__)

MAX_CLOCK_SKEW_S = 300  # older (or future) timestamps are replays or forgeries
SUCCESS = "success"  # WeChat's "received, no passive reply"
REQUIRED_FIELDS = ("ToUserName", "FromUserName", "MsgType")


@dataclass
class _Bridge:
    relay: ChannelRelay
    handler: WeChatHandler


def wechat_router(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    engine: Engine | None = None,
    api: WeChatApi | None = None,
    clock: Callable[[], float] = time.time,
) -> APIRouter:
    """The router (mount when WECHAT_TOKEN is set). `engine`/`api` default to clients built
    from the settings when the app starts; the inbound retry loop runs while it is up."""
    token = settings.wechat_token
    if not token:
        raise ValueError("WECHAT_TOKEN is not set")
    crypto = (
        MessageCrypto(
            token=token, encoding_aes_key=settings.wechat_aes_key, app_id=settings.wechat_app_id
        )
        if settings.wechat_aes_key and settings.wechat_app_id
        else None
    )
    state: dict[str, _Bridge] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        own_engine = None
        the_engine = engine
        if the_engine is None:
            the_engine = own_engine = EngineClient(settings.engine_url, settings.engine_token)
        own_api = _api_from(settings, session_factory) if api is None else None
        the_api = api or own_api
        relay = make_relay(
            settings,
            channel=CHANNEL,
            engine=the_engine,
            session_factory=session_factory,
            sink=the_api,  # None: no AppSecret, so late answers wait in the outbox
        )
        handler = WeChatHandler(
            relay=relay,
            api=the_api,
            session_factory=session_factory,
            max_chars=settings.max_message_chars,
            budget_s=settings.wechat_reply_budget_s,
        )
        state["bridge"] = _Bridge(relay, handler)
        stop = asyncio.Event()
        retry = asyncio.create_task(
            relay.run_retry_loop(stop=stop, interval_s=settings.inbound_retry_s)
        )
        try:
            yield
        finally:
            stop.set()
            await retry
            await handler.wait_for_late_answers()
            state.clear()
            if own_engine is not None:
                await own_engine.aclose()
            if own_api is not None:
                await own_api.aclose()

    router = APIRouter(prefix="/wechat", tags=["wechat"], lifespan=lifespan)

    nonces = NonceMemory(window_s=2 * MAX_CLOCK_SKEW_S, clock=clock)

    def verify(request: Request) -> None:
        params = request.query_params
        timestamp = params.get("timestamp", "")
        try:
            fresh = abs(clock() - int(timestamp)) <= MAX_CLOCK_SKEW_S
        except ValueError:
            fresh = False
        if not fresh:
            raise SignatureError("stale or missing timestamp")
        nonce = params.get("nonce", "")
        if not nonce:  # the signature would then cover only the timestamp
            raise SignatureError("missing nonce")
        check_signature(token, params.get("signature"), timestamp, nonce)

    @router.get("", include_in_schema=False)
    async def check_url(request: Request) -> Response:
        try:
            verify(request)
        except SignatureError as exc:
            return _forbidden(exc)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    @router.post("", include_in_schema=False)
    async def receive(request: Request) -> Response:
        try:
            verify(request)
        except SignatureError as exc:
            return _forbidden(exc)
        declared = request.headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return PlainTextResponse("too large", status_code=413)
        body = await request.body()
        params = request.query_params
        # A signed URL stays valid for the whole timestamp window: the same URL with another
        # body is a replay by whoever saw it (a proxy log, a browser history), not WeChat.
        if not nonces.remember(params["timestamp"], params["nonce"], body):
            return _forbidden(SignatureError("signed URL reused with another body"))
        safe_mode = params.get("encrypt_type", "").lower() == "aes"
        try:
            fields = parse_fields(body)
            if safe_mode:
                fields = _decrypted(crypto, request, fields)
            for required in REQUIRED_FIELDS:
                if not fields.get(required):
                    raise WireError(f"no {required} in the message")
        except SignatureError as exc:
            return _forbidden(exc)
        except (WireError, CryptoError) as exc:
            logger.warning("wechat callback refused: %s", exc)
            return PlainTextResponse("bad request", status_code=400)
        message = WeChatMessage(fields)
        answer = await state["bridge"].handler.handle(message)
        if answer is None:
            return PlainTextResponse(SUCCESS)
        xml = text_reply(to_user=message.from_user, from_user=message.to_user, content=answer)
        if safe_mode and crypto is not None:
            nonce, stamp = secrets.token_hex(8), str(int(clock()))
            encrypted = crypto.encrypt(xml)
            xml = encrypted_reply(
                encrypted=encrypted,
                signature=crypto.sign(stamp, nonce, encrypted),
                timestamp=stamp,
                nonce=nonce,
            )
        return Response(xml, media_type="application/xml")

    return router


class NonceMemory:
    """(timestamp, nonce) pairs seen within the window, each with the digest of its body.

    In memory: one `serve` process. Only correctly signed requests get here, so the table
    grows with WeChat's own traffic, not with an attacker's.
    """

    def __init__(self, *, window_s: float, clock: Callable[[], float]) -> None:
        self._window_s = window_s
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[float, bytes]] = {}
        self._pruned_at = 0.0

    def remember(self, timestamp: str, nonce: str, body: bytes) -> bool:
        """False when this signed (timestamp, nonce) came before with a different body; the
        same body again is WeChat's own retry (deduplicated later by MsgId)."""
        now = self._clock()
        if now - self._pruned_at > self._window_s:
            self._seen = {k: v for k, v in self._seen.items() if v[0] > now}
            self._pruned_at = now
        digest = hashlib.sha256(body).digest()
        seen = self._seen.get((timestamp, nonce))
        if seen is not None and seen[0] > now:
            return hmac.compare_digest(seen[1], digest)
        self._seen[(timestamp, nonce)] = (now + self._window_s, digest)
        return True


def _decrypted(
    crypto: MessageCrypto | None, request: Request, envelope: dict[str, str]
) -> dict[str, str]:
    if crypto is None:
        raise CryptoError("safe-mode message but WECHAT_AES_KEY / WECHAT_APP_ID are not set")
    encrypted = envelope.get("Encrypt", "")
    params = request.query_params
    given = params.get("msg_signature")
    expected = crypto.sign(params.get("timestamp", ""), params.get("nonce", ""), encrypted)
    if not given or not hmac.compare_digest(given, expected):
        raise SignatureError("bad msg_signature")
    return parse_fields(crypto.decrypt(encrypted).encode())


def _forbidden(exc: Exception) -> Response:
    logger.warning("wechat callback refused: %s", exc)
    return PlainTextResponse("forbidden", status_code=403)


def _api_from(settings: Settings, session_factory: sessionmaker[Session]) -> WeChatApi | None:
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        logger.warning("WECHAT_APP_ID/WECHAT_APP_SECRET not set: slow answers cannot be pushed")
        return None
    return WeChatApi(
        app_id=settings.wechat_app_id,
        app_secret=settings.wechat_app_secret,
        base_url=settings.wechat_api_base_url,
        session_factory=session_factory,
    )
