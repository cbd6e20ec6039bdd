"""`jiamenkou nlu evaluate|inbox|annotate|dismiss|validate`: the NLU data and its quality."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from pathlib import Path

from bot.config import Settings
from bot.engine.project import RasaProject
from bot.engine.running import engine_for_current_model
from bot.engine.training_vocabulary import training_vocabulary
from bot.nlu.desk import open_desk
from bot.nlu.evaluate import evaluate_file
from bot.nlu.reader import read_nlu_file
from bot.nlu.validate import Finding, explain_rasa_warnings, project_findings, rasa_findings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_nlu = sub.add_parser("nlu", help="NLU tools")
    nlu_sub = p_nlu.add_subparsers(dest="nlu_command", required=True, metavar="NLU_COMMAND")
    p_eval = nlu_sub.add_parser("evaluate", help="evaluate the current model on an NLU file")
    p_eval.add_argument("path", type=Path, help="Rasa-format NLU YAML file")
    p_eval.set_defaults(handler=cmd_evaluate)

    p_inbox = nlu_sub.add_parser("inbox", help="messages the model was unsure of, to label")
    p_inbox.add_argument("--limit", type=int, default=20, metavar="N")
    p_inbox.add_argument("--json", action="store_true")
    p_inbox.set_defaults(handler=cmd_inbox)

    p_ann = nlu_sub.add_parser("annotate", help="label an inbox message as a training example")
    p_ann.add_argument("inbox_id", metavar="INBOX_ID")
    p_ann.add_argument("--intent", help="the intent it means")
    p_ann.add_argument(
        "--text", help='the example, entities marked Rasa-style: "哪里能[量血压](service)"'
    )
    p_ann.add_argument("--dismiss", action="store_true", help="not worth training on")
    p_ann.add_argument("--by", default=None, help="who labels it (default: your login name)")
    p_ann.set_defaults(handler=cmd_annotate)

    p_dis = nlu_sub.add_parser("dismiss", help="drop an inbox message without training on it")
    p_dis.add_argument("inbox_id", metavar="INBOX_ID")
    p_dis.add_argument("--by", default=None)
    p_dis.set_defaults(handler=cmd_dismiss, dismiss=True)

    p_val = nlu_sub.add_parser("validate", help="rasa data validate plus the project's checks")
    p_val.add_argument("--json", action="store_true")
    p_val.add_argument("--strict", action="store_true", help="warnings fail too")
    p_val.add_argument("--no-rasa", action="store_true", help="only the project's own checks")
    p_val.set_defaults(handler=cmd_validate)


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


def cmd_inbox(args: argparse.Namespace, settings: Settings) -> int:
    with open_desk(settings) as desk:
        items = desk.inbox(limit=args.limit)
    if args.json:
        print(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
        return 0
    if not items:
        print("the inbox is empty")
        return 0
    for item in items:
        guesses = ", ".join(f"{s['name']} {s['confidence']:.2f}" for s in item.suggestions)
        print(f"{item.id}  ×{item.count}  {item.text}")
        print(f"    {', '.join(sorted(item.reasons))}; model: {guesses or '-'}")
        for variant in item.variants[:3]:
            print(f"    also: {variant}")
    return 0


def cmd_annotate(args: argparse.Namespace, settings: Settings) -> int:
    by = args.by or getpass.getuser()
    with open_desk(settings) as desk:
        if args.dismiss:
            item = desk.dismiss(args.inbox_id, by=by)
            print(f"dismissed {item.id}: {item.text}")
            return 0
        if not args.intent:
            print("jiamenkou: give --intent NAME (or --dismiss)", file=sys.stderr)
            return 2
        added = desk.annotate(args.inbox_id, intent=args.intent, text=args.text, by=by)
    where = added.file.relative_to(settings.home)
    print(f"added to {where} under {args.intent}: - {added.line}")
    print("retrain with `jiamenkou models train` to use it")
    return 0


def cmd_dismiss(args: argparse.Namespace, settings: Settings) -> int:
    return cmd_annotate(args, settings)


def validation_findings(settings: Settings, *, with_rasa: bool = True) -> list[Finding]:
    project = RasaProject.from_settings(settings)
    findings = project_findings(
        nlu_dir=settings.nlu_data_dir,
        domain_dir=project.domain,
        rules_dir=project.root / "engine" / "data",
        code_dirs=[project.root / "actions", project.root / "bot"],
        heldout=settings.heldout_file,
        vocabulary=training_vocabulary(settings),
    )
    if with_rasa:
        findings += explain_rasa_warnings(
            rasa_findings(project),
            domain_dir=project.domain,
            rules_dir=project.root / "engine" / "data",
            code_dirs=[project.root / "actions", project.root / "bot"],
        )
    return findings


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    findings = validation_findings(settings, with_rasa=not args.no_rasa)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    if args.json:
        print(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in errors + warnings:
            print(f"{finding.level}: [{finding.check}] {finding.message}")
        infos = [f for f in findings if f.level == "info"]
        print(
            f"{len(errors)} errors, {len(warnings)} warnings ({len(infos)} explained; --json lists them)"
        )
    if errors or (args.strict and warnings):
        return 8
    return 0
