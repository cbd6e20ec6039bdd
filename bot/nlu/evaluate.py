"""Evaluates the current model on a Rasa NLU YAML file through the engine's /model/parse."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.engine.client import EngineClient
from bot.nlu.metrics import Prediction, score
from bot.nlu.reader import Example, read_nlu_file


def to_prediction(parsed: dict[str, Any]) -> Prediction:
    intent = (parsed.get("intent") or {}).get("name") or "None"
    spans = frozenset(
        (str(e["entity"]), int(e["start"]), int(e["end"]))
        for e in parsed.get("entities") or []
        if {"entity", "start", "end"} <= e.keys()
    )
    return Prediction(str(intent), spans)


async def predict_all(
    client: EngineClient, examples: list[Example], *, concurrency: int = 4
) -> list[Prediction]:
    gate = asyncio.Semaphore(concurrency)

    async def one(example: Example) -> Prediction:
        async with gate:
            return to_prediction(await client.parse(example.text))

    return list(await asyncio.gather(*(one(e) for e in examples)))


async def evaluate_file(path: Path, *, base_url: str, token: str) -> dict[str, object]:
    examples = read_nlu_file(path)
    client = EngineClient(base_url, token, timeout_s=60.0)
    try:
        predictions = await predict_all(client, examples)
    finally:
        await client.aclose()
    return score(examples, predictions)
