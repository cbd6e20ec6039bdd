"""NLU quality benchmark: a Rasa pipeline against the two baselines on the held-out file.

Run: .venv/bin/python -m bench.nlu_quality [--config engine/config.yml] [--label NAME]
     [--cross-validation K]
Trains an NLU-only model with the given config (the project's data, `rasa train nlu`), scores it
on tests/data/nlu_heldout.yml through a real engine, scores the keyword and TF-IDF + logistic
regression baselines on the same file, optionally runs Rasa's K-fold cross-validation, prints one
JSON object and appends a dated row to bench/RESULTS-nlu.md. Used to tune engine/config.yml.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.engine.environment import engine_env, rasa_executable
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.engine.training import prepare_training_data
from bot.engine.training_vocabulary import training_vocabulary
from bot.nlu.baselines import baseline_predictions
from bot.nlu.metrics import score
from bot.nlu.reader import Example, read_nlu_file
from bot.nlu.trainer import predict_heldout
from bot.nlu.training_data import load_examples

RESULTS = Path(__file__).resolve().parent / "RESULTS-nlu.md"


def train_nlu(project: RasaProject, config: Path, out: Path) -> tuple[Path, float]:
    # `--nlu` takes one path: a folder holding both the hand-written data and the lookups.
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    for path in (project.root / "nlu_data").glob("*.yml"):
        (data / path.name).write_bytes(path.read_bytes())
    generated = project.root / "build" / "nlu" / "vocabulary.yml"
    (data / "generated_vocabulary.yml").write_bytes(generated.read_bytes())
    command = [
        str(rasa_executable(project)), "train", "nlu", "--config", str(config),
        "--nlu", str(data), "--out", str(out), "--fixed-model-name", "bench",
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=project.root, env=engine_env(project), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return out / "bench.tar.gz", time.monotonic() - started


def cross_validate(
    project: RasaProject, config: Path, data: Path, folds: int, out: Path
) -> dict[str, float]:
    command = [
        str(rasa_executable(project)), "test", "nlu", "--nlu", str(data), "--config", str(config),
        "--cross-validation", "--folds", str(folds), "--out", str(out),
    ]  # fmt: skip
    subprocess.run(command, cwd=project.root, env=engine_env(project), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return {
        "folds": folds,
        "intent_macro_f1": round(float(report["macro avg"]["f1-score"]), 4),
        "intent_accuracy": round(float(report["accuracy"]), 4),
    }


def baselines_cross_validated(train: list[Example], folds: int, userdict: Path) -> dict[str, float]:
    """The baselines' k-fold macro-F1 on the training data (stratified, seeded), to set beside
    Rasa's cross-validation."""
    from sklearn.model_selection import StratifiedKFold

    labels = [e.intent for e in train]
    totals: dict[str, list[float]] = {"keyword": [], "tfidf_lr": []}
    for fit, held in StratifiedKFold(folds, shuffle=True, random_state=2026).split(train, labels):
        gold = [train[i] for i in held]
        predicted = baseline_predictions([train[i] for i in fit], gold, userdict_dir=userdict)
        for name, preds in predicted.items():
            totals[name].append(float(score(gold, preds)["intent_macro_f1"]))
    return {name: round(sum(v) / len(v), 4) for name, v in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, default=Path("engine/config.yml"))
    parser.add_argument("--label", default="engine/config.yml")
    parser.add_argument("--cross-validation", type=int, default=0, metavar="K")
    parser.add_argument(
        "--baselines-only", action="store_true", help="only the baselines (held-out and k-fold)"
    )
    args = parser.parse_args()
    settings = Settings()
    project = RasaProject.from_settings(settings)
    prepare_training_data(project, training_vocabulary(settings))
    heldout = settings.heldout_file
    gold = read_nlu_file(heldout)
    if args.baselines_only:
        train = [e.example for e in load_examples(settings.nlu_data_dir)]
        folds = args.cross_validation or 5
        cv = baselines_cross_validated(train, folds, project.userdict_dir)
        print(json.dumps({"folds": folds, "cross_validation_macro_f1": cv}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        model, train_s = train_nlu(project, args.config.resolve(), out)
        config = StackConfig(
            project=project, model=model, host="127.0.0.1", engine_port=free_port(),
            action_port=None, token=settings.engine_token, log_dir=out / "logs",
            ready_timeout_s=600.0,
        )  # fmt: skip
        with EngineStack(config):
            predicted = asyncio.run(predict_heldout(config.engine_url, config.token, gold))
        rasa = score(gold, predicted)
        cv = (
            cross_validate(
                project, args.config.resolve(), out / "data", args.cross_validation, out / "cv"
            )
            if args.cross_validation
            else None
        )
    train = [e.example for e in load_examples(settings.nlu_data_dir)]
    baselines = baseline_predictions(train, gold, userdict_dir=project.userdict_dir)
    result = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "config": args.label,
        "n": rasa["n"],
        "train_nlu_s": round(train_s, 1),
        "rasa": {k: rasa[k] for k in ("intent_accuracy", "intent_macro_f1", "entity_f1")},
        "keyword": {
            k: score(gold, baselines["keyword"])[k] for k in ("intent_accuracy", "intent_macro_f1")
        },
        "tfidf_lr": {
            k: score(gold, baselines["tfidf_lr"])[k] for k in ("intent_accuracy", "intent_macro_f1")
        },
        "cross_validation": cv,
    }
    print(json.dumps(result, ensure_ascii=False))
    if not RESULTS.exists():
        RESULTS.write_text(
            "# NLU quality: the Rasa pipeline against the baselines\n\n"
            "`bench/nlu_quality.py` (`.venv/bin/python -m bench.nlu_quality`) appends one line per run:\n"
            "held-out (tests/data/nlu_heldout.yml) scores of an NLU-only model trained with the given\n"
            "config, of the keyword matcher and of TF-IDF + logistic regression trained on the same\n"
            "nlu_data/, and optionally Rasa's k-fold cross-validation (Rasa's own macro average).\n\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(
            f"- {result['date']} ({result['machine']}): `{json.dumps(result, ensure_ascii=False)}`\n"
        )


if __name__ == "__main__":
    main()
