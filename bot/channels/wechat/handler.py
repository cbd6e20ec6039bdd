"""Turns one WeChat message into an engine message and its answer into a passive reply,
falling back to the customer-service API when the engine is slower than the reply window."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.channels import payloads
from bot.channels.choices import remember_choices, resolve_choice
from bot.channels.contracts import Inbound, RelayResult
from bot.channels.input_guard import guard_text
from bot.channels.relay import ChannelRelay
from bot.channels.wechat.api import CHANNEL, WeChatApi
from bot.channels.wechat.render import as_text
from bot.channels.wechat.wire import WeChatMessage
from bot.db.columns import utcnow
from bot.engine.client import BotMessage
from bot.notifications.sender import Button
from bot.privacy import pseudonym
from bot.sites.coords import gcj02_to_wgs84, valid_point
from bot.templates import bridges as messages

logger = logging.getLogger(__name__)

# An engine message to send, or with a local answer (then the Inbound only dedupes), or
# (None, None) for what needs no answer at all.
Translation = tuple[Inbound | None, BotMessage | None]


class WeChatHandler:
    def __init__(
        self,
        *,
        relay: ChannelRelay,
        api: WeChatApi | None,
        session_factory: sessionmaker[Session],
        max_chars: int,
        budget_s: float,
    ) -> None:
        self._relay = relay
        self._api = api
        self._factory = session_factory
        self._max_chars = max_chars
        self._budget_s = budget_s
        self._late: set[asyncio.Task[None]] = set()  # keeps running tasks referenced

    async def handle(self, message: WeChatMessage) -> str | None:
        """The passive reply text, or None for "success" (nothing now; maybe later via API)."""
        inbound, local = await self._translate(message)
        if inbound is None:
            return None
        if local is not None:
            return await self._show(message, await self._relay.answer_locally(inbound, [local]))
        task = asyncio.create_task(self._relay.receive(inbound))
        done, _ = await asyncio.wait({task}, timeout=self._budget_s)
        if done:
            return await self._show(message, task.result())
        # WeChat drops replies after 5 s and retries the request: answer "success" now and
        # push the answer when it comes.
        late = asyncio.create_task(self._deliver_late(message.from_user, task))
        self._late.add(late)
        late.add_done_callback(self._late.discard)
        return None

    async def wait_for_late_answers(self) -> None:
        """Let late answers finish (shutdown, tests)."""
        if self._late:
            await asyncio.gather(*self._late, return_exceptions=True)

    async def _translate(self, message: WeChatMessage) -> Translation:
        """The engine message for `message`, or a message with a local answer, or (None, None)
        for what needs no answer."""
        user, key = message.from_user, message.key
        meta = payloads.metadata(CHANNEL, key)

        def local(text: str) -> Translation:
            return Inbound(user, key, ""), BotMessage(text)

        kind = message.msg_type
        if kind == "event":
            event = message.get("Event").lower()
            if event == "subscribe":
                return local(messages.WECHAT_WELCOME)
            # A menu button configured in 公众号后台; only intent-only payloads, so a menu
            # cannot set slots either.
            if event == "click" and payloads.is_intent_only(message.get("EventKey")):
                return Inbound(user, key, message.get("EventKey"), meta), None
            return None, None  # unsubscribe, LOCATION reports, menu views: nothing to say
        if kind == "text":
            raw = message.get("Content")
            return await self._text(message, raw, meta) or local(self._refusal(raw))
        if kind == "voice":
            if not message.get("Recognition"):
                return local(messages.VOICE_NOT_RECOGNISED)
            raw = message.get("Recognition")
            return await self._text(message, raw, meta) or local(self._refusal(raw))
        if kind == "location":
            point = valid_point(message.get("Location_X"), message.get("Location_Y"))
            if point is None:  # NaN, inf, 999: not a place (and would crash the search)
                return local(messages.LOCATION_INVALID)
            lat, lon = gcj02_to_wgs84(*point)  # WeChat sends GCJ-02; the engine wants WGS-84
            meta["label"] = message.get("Label")[:200]
            return Inbound(user, key, payloads.share_location(lat, lon), meta), None
        if kind == "image":
            # The MediaId names the photo in WeChat's own media store; a URL in the message
            # (PicUrl) is never used as the reference, so no outside link reaches a ticket.
            try:
                ref = payloads.photo_ref(CHANNEL, message.get("MediaId"))
            except payloads.PayloadError:
                return local(messages.UNSUPPORTED_MESSAGE)
            return Inbound(user, key, payloads.attach_photo(ref), meta), None
        return local(messages.UNSUPPORTED_MESSAGE)

    async def _text(
        self, message: WeChatMessage, raw: str, meta: dict[str, Any]
    ) -> Translation | None:
        """The engine message for a text (a number picks a button shown before); None when
        the guard refuses it."""
        checked = guard_text(raw, max_chars=self._max_chars)
        if checked.text is None:
            return None
        text = await asyncio.to_thread(self._resolve, message.from_user, checked.text)
        return Inbound(message.from_user, message.key, text, meta), None

    def _refusal(self, raw: str) -> str:
        return guard_text(raw, max_chars=self._max_chars).reply or messages.EMPTY_MESSAGE

    async def _show(self, message: WeChatMessage, result: RelayResult) -> str | None:
        # An empty answer is the engine staying silent (a person holds the conversation):
        # "success" tells WeChat not to show anything.
        reply = result.reply
        if not reply:
            return None
        text, buttons = as_text(reply)
        await asyncio.to_thread(self._remember, message.from_user, buttons)
        return text

    async def _deliver_late(self, user: str, task: asyncio.Task[RelayResult]) -> None:
        try:
            result = await task
            if not result.reply:
                return
            if self._api is None:
                raise RuntimeError("WECHAT_APP_SECRET is not set: no customer-service API")
            await self._api.deliver(user, result.reply)
        except Exception as exc:  # keep the answer: the outbox retries with backoff
            logger.warning(
                "late answer to %s not delivered (%s); queued in the outbox",
                pseudonym(user),
                type(exc).__name__,
            )
            if task.done() and not task.cancelled() and task.exception() is None:
                reply = task.result().reply
                await asyncio.to_thread(self._relay.reply_to_outbox, user, reply)

    def _resolve(self, user: str, text: str) -> str:
        with self._factory.begin() as session:
            return resolve_choice(
                session=session, channel=CHANNEL, user_id=user, text=text, now=utcnow()
            )

    def _remember(self, user: str, buttons: Sequence[Button]) -> None:
        with self._factory.begin() as session:
            remember_choices(
                session=session, channel=CHANNEL, user_id=user, buttons=buttons, now=utcnow()
            )
