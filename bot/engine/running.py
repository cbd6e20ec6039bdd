"""Use the engine already running with the current model, or start one just for this job."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import PurePath

import httpx

from bot.config import Settings
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.training import current_model

logger = logging.getLogger(__name__)


def running_model_name(base_url: str, token: str) -> str | None:
    try:
        response = httpx.get(f"{base_url}/status", params={"token": token}, timeout=3.0)
        response.raise_for_status()
        model_file = response.json().get("model_file")
    except (httpx.HTTPError, ValueError):
        return None
    return PurePath(str(model_file)).name if model_file else None


@contextlib.contextmanager
def engine_for_current_model(settings: Settings) -> Iterator[str]:
    """Yields the base URL of an engine serving the current model (NLU only)."""
    project = RasaProject.from_settings(settings)
    model = current_model(project)
    if running_model_name(settings.engine_url, settings.engine_token) == model.name:
        logger.info("using the engine running at %s", settings.engine_url)
        yield settings.engine_url
        return
    logger.info("starting a temporary engine for %s (about a minute) …", model.name)
    config = StackConfig(
        project=project,
        model=model,
        host="127.0.0.1",
        engine_port=free_port(),
        action_port=None,
        token=settings.engine_token,
        log_dir=settings.data_dir / "logs",
        ready_timeout_s=settings.ready_timeout_s,
    )
    with EngineStack(config) as stack:
        yield stack.config.engine_url
