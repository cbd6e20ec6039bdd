"""`jiamenkou models list|train|evaluate|promote|rollback`: candidates, the quality gate and the
model that serves."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from typing import Any

from bot import china_time
from bot.config import Settings
from bot.db.nlu_trainer import ModelStatus
from bot.nlu.trainer import ModelTrainer, open_trainer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("models", help="trained models: compare, promote, roll back")
    m_sub = p.add_subparsers(dest="models_command", required=True, metavar="COMMAND")

    p_list = m_sub.add_parser("list", help="trained models, newest first; * serves")
    p_list.add_argument("--json", action="store_true")
    p_list.set_defaults(handler=cmd_list)

    p_train = m_sub.add_parser("train", help="train a candidate in the background")
    p_train.add_argument("--by", default=None, help="who trains it (default: your login name)")
    p_train.add_argument("--wait", action="store_true", help="follow the progress until done")
    p_train.set_defaults(handler=cmd_train)

    p_eval = m_sub.add_parser("evaluate", help="the comparison report of one model")
    p_eval.add_argument("id")
    p_eval.add_argument("--json", action="store_true")
    p_eval.add_argument(
        "--fresh", action="store_true", help="evaluate again even if a report exists"
    )
    p_eval.add_argument(
        "--cross-validation", type=int, metavar="K", help="also Rasa's K-fold cross-validation"
    )
    p_eval.set_defaults(handler=cmd_evaluate)

    p_promote = m_sub.add_parser("promote", help="serve this model if the quality gate allows")
    p_promote.add_argument("id")
    p_promote.add_argument("--by", default=None)
    p_promote.set_defaults(handler=cmd_promote)

    p_back = m_sub.add_parser("rollback", help="serve the model that served before")
    p_back.add_argument("--by", default=None)
    p_back.set_defaults(handler=cmd_rollback)

    p_job = m_sub.add_parser("run-job", help=argparse.SUPPRESS)  # the background worker
    p_job.add_argument("id")
    p_job.set_defaults(handler=cmd_run_job)


def _row(trainer: ModelTrainer, serving: str | None) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "created": m.created_at.isoformat(),
            "trained_by": m.trained_by,
            "intent_macro_f1": m.intent_macro_f1,
            "serving": m.id == serving,
            "status": m.status.value,
            "progress": m.progress,
        }
        for m in trainer.models()
    ]


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with open_trainer(settings) as trainer:
        trainer.adopt_setup_model()
        rows = _row(trainer, trainer.serving())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no models registered yet; train one with `jiamenkou models train`")
        return 0
    for r in rows:
        f1 = "-" if r["intent_macro_f1"] is None else f"{r['intent_macro_f1']:.3f}"
        created = _local(r["created"])
        mark = "*" if r["serving"] else " "
        print(
            f"{mark} {r['id']}  {created}  by {r['trained_by']}  macro-F1 {f1}  {r['progress'] or r['status']}"
        )
    return 0


def _local(iso: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(iso).astimezone(china_time.ZONE).strftime("%Y-%m-%d %H:%M")


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    with open_trainer(settings) as trainer:
        model = trainer.start_training(by=args.by or getpass.getuser())
        print(f"training {model.id} in the background; follow it with `jiamenkou models list`")
        if not args.wait:
            return 0
        shown = ""
        while True:
            model = trainer.model(model.id)
            if model.progress != shown:
                shown = model.progress
                print(f"{model.id}: {shown}", flush=True)
            if model.status in (ModelStatus.READY, ModelStatus.FAILED):
                break
            time.sleep(2.0)
    if model.status is ModelStatus.FAILED:
        print(f"jiamenkou: training failed: {model.error}", file=sys.stderr)
        return 7
    print(
        f"ready: intent macro-F1 {model.intent_macro_f1:.3f}; see `jiamenkou models evaluate {model.id}`"
    )
    return 0


def cmd_run_job(args: argparse.Namespace, settings: Settings) -> int:
    with open_trainer(settings) as trainer:
        trainer.run_job(args.id)
    return 0


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    with open_trainer(settings) as trainer:
        trainer.adopt_setup_model()
        if args.fresh or args.cross_validation or trainer.report(args.id) is None:
            trainer.evaluate(args.id, folds=args.cross_validation)
        report = trainer.comparison(args.id)
        image = trainer.work_dir(args.id) / "confusion.png"
    if args.json:
        print(json.dumps(report, ensure_ascii=False, sort_keys=True))
        return 0
    print_report(report, image=str(image))
    return 0


def print_report(report: dict[str, Any], *, image: str) -> None:
    serving = report.get("serving") or {}
    old = serving.get("per_intent") or {}
    print(f"model {report['model_id']} on {report['heldout']} ({report['n']} examples)")
    print(
        f"{'intent':<20} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}  {'serving':>7}  {'tfidf':>6}  {'kw':>6}"
    )
    tfidf = report["baselines"]["tfidf_lr"]["per_intent"]
    keyword = report["baselines"]["keyword"]["per_intent"]
    for intent, row in report["per_intent"].items():
        before = old.get(intent, {}).get("f1")
        print(
            f"{intent:<20} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
            f"{int(row['support']):>4}  {'-' if before is None else f'{before:.3f}':>7}  "
            f"{tfidf[intent]['f1']:>6.3f}  {keyword[intent]['f1']:>6.3f}"
        )
    print(
        f"intent macro-F1: {report['intent_macro_f1']:.3f}  (serving {serving.get('intent_macro_f1', '-')}, "
        f"tf-idf+LR {report['baselines']['tfidf_lr']['intent_macro_f1']:.3f}, "
        f"keywords {report['baselines']['keyword']['intent_macro_f1']:.3f})"
    )
    print(
        f"entity F1: {report['entity_f1']:.3f}  "
        + ", ".join(f"{k} {v['f1']:.2f}" for k, v in report["per_entity"].items())
    )
    if "cross_validation" in report:
        cv = report["cross_validation"]
        print(f"{cv['folds']}-fold cross-validation: intent macro-F1 {cv['intent_macro_f1']:.3f}")
    for miss in report["misclassified"][:20]:
        print(f"miss: {miss['text']} -> {miss['predicted']} (gold {miss['intent']})")
    print(f"confusion matrix: {image}")
    gate = report["gate"]
    if gate["promotable"]:
        print("gate: may be promoted")
    else:
        print("gate: NOT promotable: " + "; ".join(gate["reasons"]))


def cmd_promote(args: argparse.Namespace, settings: Settings) -> int:
    with open_trainer(settings) as trainer:
        loaded = trainer.promote(args.id, by=args.by or getpass.getuser())
    if loaded:
        print(f"{args.id} now serves (the engine loaded it; conversations carry on)")
    else:
        print(f"{args.id} is promoted; the engine is not running, `jiamenkou up` will serve it")
    return 0


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    with open_trainer(settings) as trainer:
        model_id, loaded = trainer.rollback(by=args.by or getpass.getuser())
    state = "the engine loaded it" if loaded else "the engine is not running"
    print(f"rolled back: {model_id} serves again ({state})")
    return 0
