"""The `/wechat` callback endpoint: URL verification (GET) and signed messages (POST)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.contracts import Engine
from bot.channels.relay import ChannelRelay, make_relay
from bot.channels.wechat.api import CHANNEL, WeChatApi
from bot.channels.wechat.crypto import CryptoError, MessageCrypto
from bot.channels.wechat.handler import WeChatHandler
from bot.channels.wechat.signature import CallbackVerifier, SignatureError
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
        MessageCrypto(encoding_aes_key=settings.wechat_aes_key, app_id=settings.wechat_app_id)
        if settings.wechat_aes_key and settings.wechat_app_id
        else None
    )
    state: dict[str, _Bridge] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        own_engine = None
        the_engine = engine
        if the_engine is None:
            the_engine = own_engine = EngineClient(
                settings.engine_url, settings.engine_token, timeout_s=settings.engine_timeout_s
            )
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

    verifier = CallbackVerifier(token=token, clock=clock)

    @router.get("", include_in_schema=False)
    async def check_url(request: Request) -> Response:
        try:
            verifier.check(request.query_params)
        except SignatureError as exc:
            return _forbidden(exc)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    @router.post("", include_in_schema=False)
    async def receive(request: Request) -> Response:
        params = request.query_params
        try:
            verifier.check(params)
        except SignatureError as exc:
            return _forbidden(exc)
        declared = request.headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return PlainTextResponse("too large", status_code=413)
        body = await request.body()
        try:
            verifier.check_first_use(params, body)
        except SignatureError as exc:
            return _forbidden(exc)
        safe_mode = params.get("encrypt_type", "").lower() == "aes"
        try:
            fields = parse_fields(body)
            if safe_mode:
                fields = _decrypted(crypto, verifier, params, fields)
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
            encrypted = crypto.encrypt(xml)
            signed, stamp, nonce = verifier.sign_reply(encrypted)
            xml = encrypted_reply(
                encrypted=encrypted, signature=signed, timestamp=stamp, nonce=nonce
            )
        return Response(xml, media_type="application/xml")

    return router


def _decrypted(
    crypto: MessageCrypto | None,
    verifier: CallbackVerifier,
    params: Mapping[str, str],
    envelope: dict[str, str],
) -> dict[str, str]:
    if crypto is None:
        raise CryptoError("safe-mode message but WECHAT_AES_KEY / WECHAT_APP_ID are not set")
    encrypted = envelope.get("Encrypt", "")
    verifier.check_encrypted(params, encrypted)
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
