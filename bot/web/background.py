"""The web service's periodic work besides the outbox: unclaimed handoffs become tickets,
booking reminders go out the evening before, and conversation events past the retention
period are deleted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.errors import EngineUnavailable

logger = logging.getLogger(__name__)


async def run_periodically(
    name: str, work: Callable[[], object], *, stop: asyncio.Event, interval_s: float
) -> None:
    """Run blocking `work` in a thread every `interval_s` seconds until `stop` is set; a
    failing round (database or engine restarting) is logged and tried again next time."""
    while not stop.is_set():
        try:
            result = await asyncio.to_thread(work)
            if result:
                logger.info("%s: %s", name, result)
        except EngineUnavailable as exc:
            logger.warning("%s postponed: %s", name, exc)
        except Exception:
            logger.exception("%s round failed", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
