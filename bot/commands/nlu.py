"""`jiamenkou nlu evaluate PATH`: scores the current model on a Rasa NLU YAML file."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from bot.config import Settings
from bot.engine.running import engine_for_current_model
from bot.nlu.evaluate import evaluate_file
from bot.nlu.reader import read_nlu_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_nlu = sub.add_parser("nlu", help="NLU tools")
    nlu_sub = p_nlu.add_subparsers(dest="nlu_command", required=True, metavar="NLU_COMMAND")
    p_eval = nlu_sub.add_parser("evaluate", help="evaluate the current model on an NLU file")
    p_eval.add_argument("path", type=Path, help="Rasa-format NLU YAML file")
    p_eval.set_defaults(handler=cmd_evaluate)


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    read_nlu_file(args.path)  # a broken file fails before an engine is started
    with engine_for_current_model(settings) as base_url:
        result = asyncio.run(
            evaluate_file(args.path, base_url=base_url, token=settings.engine_token)
        )
    errors = result.pop("errors")
    for error in errors if isinstance(errors, list) else []:
        print(f"miss: {error['text']} -> {error['predicted']} (gold {error['intent']})")
    # Last line: one JSON object, the contract other tools read.
    print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)
    return 0
