"""The trainer loop: snapshot the data, train a candidate in the background, evaluate it on the
held-out file beside the baselines, and promote or roll back through the engine's model API.

Candidates live in `models/candidates/<id>.tar.gz` with `<id>/` beside them (the data snapshot
they were trained on, the training log, `report.json` and `confusion.png`); `jiamenkou train`
never deletes them. The registry (bot/engine/model_registry.py) says which one serves.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.columns import utcnow
from bot.db.migrate import upgrade_to_head
from bot.db.nlu_trainer import ModelStatus, PromotionAction, TrainedModel
from bot.db.session import make_engine, make_session_factory
from bot.engine import model_registry as registry
from bot.engine.client import EngineClient, unreachable
from bot.engine.environment import engine_env, rasa_executable
from bot.engine.ports import free_port
from bot.engine.processes import EngineStack, StackConfig
from bot.engine.project import RasaProject
from bot.errors import EngineUnavailable, ModelNotFound, PromotionRefused, TrainingFailed
from bot.nlu.baselines import baseline_predictions
from bot.nlu.evaluate import predict_all
from bot.nlu.gate import GatePolicy, gate_reasons
from bot.nlu.metrics import Prediction
from bot.nlu.reader import Example, read_nlu_file
from bot.nlu.report import baseline_report, draw_confusion, file_digest, model_report
from bot.nlu.training_data import load_examples
from bot.nlu.validate import Finding, project_findings, rasa_findings

_COMPONENT = re.compile(r"Starting to train component '(?P<name>[^']+)'")
_EPOCHS = re.compile(r"Epochs:\s*(?P<pct>\d+)%")


class ModelTrainer:
    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self.settings = settings
        self._factory = factory
        self.project = RasaProject.from_settings(settings)
        self.policy = GatePolicy(
            overall_tolerance=settings.gate_overall_tolerance,
            intent_tolerance=settings.gate_intent_tolerance,
            min_support=settings.gate_min_support,
        )

    # --- where things are -------------------------------------------------------------
    @property
    def candidates_dir(self) -> Path:
        return self.settings.models_dir / "candidates"

    def work_dir(self, model_id: str) -> Path:
        return self.candidates_dir / model_id

    def archive(self, model: TrainedModel) -> Path:
        return self.settings.home / model.file

    def snapshot_nlu(self, model_id: str) -> Path:
        return self.work_dir(model_id) / "data" / "nlu"

    # --- registry views -----------------------------------------------------------------
    def models(self) -> list[TrainedModel]:
        with self._factory.begin() as session:
            return registry.list_models(session)

    def model(self, model_id: str) -> TrainedModel:
        with self._factory.begin() as session:
            return registry.get_model(session, model_id)

    def serving(self) -> str | None:
        with self._factory.begin() as session:
            return registry.serving_id(session)

    def chosen_archive(self) -> Path | None:
        with self._factory.begin() as session:
            serving = registry.serving_id(session)
            if serving is None or not registry.trainers_have_promoted(session):
                return None
            archive = self.archive(registry.get_model(session, serving))
        return archive if archive.exists() else None

    def adopt_setup_model(self) -> TrainedModel | None:
        """Before any promotion, the model set-up trained is the serving one: register it (a
        copy, since `jiamenkou train` replaces stale models) so it can be compared and rolled
        back to."""
        current = self.project.model_path()
        with self._factory.begin() as session:
            if registry.serving_id(session) is not None or not current.exists():
                return None
            model_id = f"setup-{self.project.fingerprint()[:8]}"
            if session.get(TrainedModel, model_id) is None:
                self._snapshot(model_id)
                target = self.candidates_dir / f"{model_id}.tar.gz"
                shutil.copyfile(current, target)
                registry.add_model(
                    session,
                    model_id=model_id,
                    file=str(target.relative_to(self.settings.home)),
                    fingerprint=self.project.fingerprint(),
                    trained_by=registry.SETUP,
                    now=utcnow(),
                    status=ModelStatus.READY,
                )
            registry.record_promotion(
                session,
                model_id=model_id,
                action=PromotionAction.PROMOTE,
                by=registry.SETUP,
                now=utcnow(),
            )
            return registry.get_model(session, model_id)

    # --- training -------------------------------------------------------------------------
    def start_training(self, *, by: str, background: bool = True) -> TrainedModel:
        """Snapshot the data and train a candidate in another process (the assistant keeps
        serving meanwhile); progress is in the registry."""
        self.adopt_setup_model()
        fingerprint = self.project.fingerprint()
        model_id = f"{utcnow():%Y%m%d-%H%M%S}-{fingerprint[:8]}"
        self._snapshot(model_id)
        with self._factory.begin() as session:
            model = registry.add_model(
                session,
                model_id=model_id,
                file=str(
                    (self.candidates_dir / f"{model_id}.tar.gz").relative_to(self.settings.home)
                ),
                fingerprint=fingerprint,
                trained_by=by,
                now=utcnow(),
            )
        if background:
            self._spawn_job(model_id)
        else:
            self.run_job(model_id)
        return self.model(model.id)

    def _snapshot(self, model_id: str) -> None:
        data = self.work_dir(model_id) / "data"
        if data.exists():
            shutil.rmtree(data)
        nlu = data / "nlu"
        nlu.mkdir(parents=True)
        for path in sorted(self.settings.nlu_data_dir.glob("*.yml")):
            shutil.copyfile(path, nlu / path.name)
        generated = self.project.root / "build" / "nlu" / "vocabulary.yml"
        if generated.exists():
            shutil.copyfile(generated, nlu / "generated_vocabulary.yml")
        shutil.copytree(self.project.root / "engine" / "data", data / "rules")
        shutil.copytree(self.project.domain, data / "domain")
        shutil.copyfile(self.project.config, data / "config.yml")

    def _spawn_job(self, model_id: str) -> None:
        env = dict(os.environ)
        env.update(
            {
                "JIAMENKOU_HOME": str(self.settings.home),
                "DATABASE_URL": self.settings.effective_database_url,
                "RASA_TOKEN": self.settings.engine_token,
            }
        )
        log = (self.work_dir(model_id) / "job.log").open("ab")
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "models", "run-job", model_id],
            cwd=self.work_dir(model_id), env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()

    def run_job(self, model_id: str) -> None:
        """The background job: validate, train, evaluate; any failure is recorded."""
        try:
            self._progress(model_id, "validating the training data")
            errors = [f for f in self.validate_snapshot(model_id) if f.level == "error"]
            if errors:
                raise TrainingFailed(
                    "the training data has errors: " + "; ".join(f.message for f in errors[:5])
                )
            self._train(model_id)
            self._progress(model_id, "evaluating on the held-out file", ModelStatus.EVALUATING)
            self.evaluate(model_id)
        except Exception as exc:
            with self._factory.begin() as session:
                model = registry.get_model(session, model_id)
                model.status = ModelStatus.FAILED
                model.error = str(exc)
                model.progress = "failed"
                model.updated_at = utcnow()
            raise

    def validate_snapshot(self, model_id: str) -> list[Finding]:
        data = self.work_dir(model_id) / "data"
        findings = project_findings(
            nlu_dir=data / "nlu",
            domain_dir=data / "domain",
            rules_dir=data / "rules",
            code_dirs=[self.project.root / "actions", self.project.root / "bot"],
            heldout=self.settings.heldout_file,
            vocabulary=None,
        )
        return findings + rasa_findings(
            self.project,
            config=data / "config.yml",
            domain=data / "domain",
            data_dirs=[data / "nlu", data / "rules"],
        )

    def _train(self, model_id: str) -> None:
        rasa = rasa_executable(self.project)
        data = self.work_dir(model_id) / "data"
        command = [
            str(rasa), "train",
            "--config", str(data / "config.yml"),
            "--domain", str(data / "domain"),
            "--data", str(data / "nlu"), str(data / "rules"),
            "--out", str(self.candidates_dir),
            "--fixed-model-name", model_id,
        ]  # fmt: skip
        self._progress(model_id, "training: starting Rasa")
        with (self.work_dir(model_id) / "train.log").open("wb") as log:
            proc = subprocess.Popen(
                command, cwd=self.project.root, env=engine_env(self.project),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            assert proc.stdout is not None
            try:
                self._follow(model_id, proc.stdout, log)
                code = proc.wait()
            finally:
                if proc.poll() is None:  # interrupted: no orphaned training left running
                    proc.kill()
                    proc.wait()
        if code != 0 or not (self.candidates_dir / f"{model_id}.tar.gz").exists():
            raise TrainingFailed(
                f"`rasa train` exited with {code}; see {self.work_dir(model_id) / 'train.log'}"
            )

    def _follow(self, model_id: str, stream: IO[bytes], log: IO[bytes]) -> None:
        """Copies Rasa's output to the log and turns its component and epoch lines into the
        progress the console and `models list` show (written at most every two seconds)."""
        component, pending, last = "", b"", 0.0
        while chunk := stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096):
            log.write(chunk)
            pending += chunk
            *lines, pending = re.split(rb"[\r\n]", pending)
            status = ""
            for raw in lines:
                line = raw.decode("utf-8", errors="replace")
                if match := _COMPONENT.search(line):
                    component = match["name"]
                    status = f"training {component}"
                elif (match := _EPOCHS.search(line)) and component:
                    status = f"training {component}: {match['pct']}% of epochs"
            if status and time.monotonic() - last > 2.0:
                self._progress(model_id, status)
                last = time.monotonic()

    def _progress(self, model_id: str, text: str, status: ModelStatus | None = None) -> None:
        with self._factory.begin() as session:
            model = registry.get_model(session, model_id)
            model.progress = text[:200]
            if status is not None:
                model.status = status
            model.updated_at = utcnow()

    # --- evaluation -------------------------------------------------------------------------
    def evaluate(self, model_id: str, *, folds: int | None = None) -> dict[str, Any]:
        model = self.model(model_id)
        archive = self.archive(model)
        if not archive.exists():
            raise ModelNotFound(f"the archive of model {model_id} is missing ({archive})")
        heldout = self.settings.heldout_file
        gold = read_nlu_file(heldout)
        config = StackConfig(
            project=self.project,
            model=archive,
            host="127.0.0.1",
            engine_port=free_port(),
            action_port=None,
            token=self.settings.engine_token,
            log_dir=self.work_dir(model_id) / "logs",
            ready_timeout_s=self.settings.ready_timeout_s,
        )
        with EngineStack(config) as stack:
            predicted = asyncio.run(predict_heldout(stack.config.engine_url, config.token, gold))
        report = model_report(gold, predicted)
        train = [e.example for e in load_examples(self.snapshot_nlu(model_id))]
        userdict = self.project.userdict_dir
        baselines = baseline_predictions(train, gold, userdict_dir=userdict)
        report["baselines"] = {
            name: baseline_report(gold, preds) for name, preds in baselines.items()
        }
        report.update(
            model_id=model_id,
            heldout=str(heldout.relative_to(self.settings.home))
            if heldout.is_relative_to(self.settings.home)
            else str(heldout),
            heldout_digest=file_digest(heldout),
            training_examples=len(train),
            evaluated_at=utcnow().isoformat(),
        )
        previous = self.report(model_id)
        if folds:
            report["cross_validation"] = self.cross_validate(model_id, folds)
        elif previous and "cross_validation" in previous:
            report["cross_validation"] = previous["cross_validation"]
        draw_confusion(
            report["confusion"],
            self.work_dir(model_id) / "confusion.png",
            title=f"{model_id}: held-out intents (rows gold, columns predicted)",
        )
        path = self.work_dir(model_id) / "report.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        with self._factory.begin() as session:
            row = registry.get_model(session, model_id)
            row.intent_macro_f1 = float(report["intent_macro_f1"])
            row.report_file = str(path.relative_to(self.settings.home))
            if row.status in (ModelStatus.EVALUATING, ModelStatus.TRAINING):
                row.status = ModelStatus.READY
                row.progress = "ready"
            row.updated_at = utcnow()
        return report

    def cross_validate(self, model_id: str, folds: int) -> dict[str, Any]:
        """Rasa's own k-fold cross-validation on the model's training data (trains k times)."""
        data = self.work_dir(model_id) / "data"
        out = self.work_dir(model_id) / f"crossval-{folds}"
        command = [
            str(rasa_executable(self.project)), "test", "nlu",
            "--nlu", str(data / "nlu"), "--config", str(data / "config.yml"),
            "--cross-validation", "--folds", str(folds), "--out", str(out),
        ]  # fmt: skip
        with (self.work_dir(model_id) / "crossval.log").open("wb") as log:
            code = subprocess.run(
                command, cwd=self.project.root, env=engine_env(self.project),
                stdout=log, stderr=subprocess.STDOUT, check=False,
            ).returncode  # fmt: skip
        report_file = out / "intent_report.json"
        if code != 0 or not report_file.exists():
            raise TrainingFailed(f"cross-validation failed; see {out.parent / 'crossval.log'}")
        intents = json.loads(report_file.read_text(encoding="utf-8"))
        return {
            "folds": folds,
            "intent_macro_f1": round(float(intents["macro avg"]["f1-score"]), 4),
            "intent_accuracy": round(float(intents.get("accuracy", 0.0)), 4),
            "note": "Rasa's own report (macro average over every label it saw)",
        }

    def report(self, model_id: str) -> dict[str, Any] | None:
        path = self.work_dir(model_id) / "report.json"
        if not path.exists():
            return None
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def current_report(self, model_id: str) -> dict[str, Any]:
        """The report on today's held-out file, evaluating again when the file changed."""
        report = self.report(model_id)
        if report is None or report.get("heldout_digest") != file_digest(
            self.settings.heldout_file
        ):
            report = self.evaluate(model_id)
        return report

    def comparison(self, model_id: str) -> dict[str, Any]:
        """The candidate's report with the serving model's figures and the gate's verdict."""
        report = dict(self.current_report(model_id))
        serving = self.serving()
        serving_report = self.current_report(serving) if serving and serving != model_id else None
        report["serving"] = (
            {
                "model_id": serving,
                "intent_macro_f1": serving_report["intent_macro_f1"],
                "entity_f1": serving_report["entity_f1"],
                "per_intent": serving_report["per_intent"],
            }
            if serving_report
            else {"model_id": serving}
        )
        reasons = gate_reasons(report, serving_report, self.policy)
        report["gate"] = {"promotable": not reasons, "reasons": reasons}
        return report

    # --- promotion ------------------------------------------------------------------------
    def promote(self, model_id: str, *, by: str) -> bool:
        """Gate, then load the model in the running engine; True when the engine loaded it now
        (False: the engine is not running, and `jiamenkou up` will serve it)."""
        self.adopt_setup_model()
        model = self.model(model_id)
        if model.status is not ModelStatus.READY:
            raise PromotionRefused(
                f"model {model_id} is {model.status.value} ({model.progress}); only a trained "
                "and evaluated model can be promoted"
            )
        if self.serving() == model_id:
            raise PromotionRefused(f"model {model_id} is already serving")
        verdict = self.comparison(model_id)["gate"]
        if not verdict["promotable"]:
            raise PromotionRefused(
                f"model {model_id} is not promoted: " + "; ".join(verdict["reasons"])
            )
        loaded = self._load_in_engine(self.archive(model))
        with self._factory.begin() as session:
            registry.record_promotion(
                session, model_id=model_id, action=PromotionAction.PROMOTE, by=by, now=utcnow()
            )
        return loaded

    def rollback(self, *, by: str) -> tuple[str, bool]:
        """Back to the model that served before the current one; returns (its id, loaded?)."""
        with self._factory.begin() as session:
            stack = registry.serving_stack(session)
            if len(stack) < 2:
                raise PromotionRefused("no earlier model to roll back to")
            current, previous = stack[-1], stack[-2]
            model = registry.get_model(session, previous)
        loaded = self._load_in_engine(self.archive(model))
        with self._factory.begin() as session:
            registry.record_promotion(
                session, model_id=current, action=PromotionAction.ROLLBACK, by=by, now=utcnow()
            )
        return previous, loaded

    def _load_in_engine(self, archive: Path) -> bool:
        """The engine's model-replace API (`PUT /model`): conversations stay in the tracker
        store, so one in progress carries on with the next message."""
        url = self.settings.engine_url
        try:
            response = httpx.put(
                f"{url}/model",
                params={"token": self.settings.engine_token},
                json={"model_file": str(archive.resolve())},
                timeout=max(self.settings.ready_timeout_s, 60.0),
            )
        except httpx.ConnectError:
            return False
        except httpx.HTTPError as exc:
            raise unreachable(url, exc) from exc
        if response.status_code >= 400:
            raise EngineUnavailable(
                f"the engine at {url} refused to load {archive.name} ({response.status_code}: "
                f"{response.text[:200]})"
            )
        return True


async def predict_heldout(base_url: str, token: str, gold: list[Example]) -> list[Prediction]:
    """The engine's /model/parse on every example, as `nlu evaluate` asks it."""
    client = EngineClient(base_url, token, timeout_s=60.0)
    try:
        return await predict_all(client, gold)
    finally:
        await client.aclose()


@contextmanager
def open_trainer(settings: Settings) -> Iterator[ModelTrainer]:
    """The trainer on the configured app database (migrated first)."""
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade_to_head(engine)
        yield ModelTrainer(settings, make_session_factory(engine))
    finally:
        engine.dispose()


def promoted_archive(settings: Settings) -> Path | None:
    """The model trainers chose (what `jiamenkou up` serves instead of the one trained for the
    current data); None until a person has promoted or rolled back."""
    with open_trainer(settings) as trainer:
        return trainer.chosen_archive()
