"""Generates training artefacts and trains the model only when its inputs changed."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from bot.engine.artifacts import write_artifacts
from bot.engine.environment import engine_env, rasa_executable
from bot.engine.project import RasaProject
from bot.engine.validation import explained_warnings_env
from bot.errors import ModelMissing, TrainingFailed
from bot.vocabulary import Vocabulary

logger = logging.getLogger(__name__)


def prepare_training_data(project: RasaProject, vocabulary: Vocabulary) -> None:
    write_artifacts(vocabulary, project.root / "build")


def current_model(project: RasaProject) -> Path:
    """The model for the current inputs; raises ModelMissing when it has not been trained."""
    path = project.model_path()
    if not path.exists():
        raise ModelMissing(
            f"no model trained for the current data ({path.name}); run `jiamenkou train`"
        )
    return path


def train(project: RasaProject, *, force: bool = False) -> tuple[Path, bool]:
    """Train unless a model for these exact inputs exists; returns (model path, trained?)."""
    target = project.model_path()
    if target.exists() and not force:
        logger.info("model %s is up to date; not retraining", target.name)
        return target, False
    rasa = rasa_executable(project)
    if not rasa.exists():
        raise TrainingFailed(
            f"the engine environment is missing ({rasa}); run scripts/setup.sh first"
        )
    project.models_dir.mkdir(parents=True, exist_ok=True)
    command = [
        # `rasa train` through our wrapper: it leaves out the warnings the project explains.
        str(project.engine_bin / "python"), "-m", "jiamenkou_engine.train",
        "--config", str(project.config),
        "--domain", str(project.domain),
        "--data", *(str(d) for d in project.data_dirs if d.is_dir()),
        "--out", str(project.models_dir),
        "--fixed-model-name", project.model_name(),
    ]  # fmt: skip
    logger.info("training %s (progress follows) …", target.name)
    # Output is not captured: the newcomer sees Rasa's own progress bars.
    # Warnings Rasa cannot know are fine (responses said by actions, payload-only intents)
    # are silenced one by one, so any other warning stands out.
    env = engine_env(project, explained_warnings_env(project))
    result = subprocess.run(command, cwd=project.root, env=env, check=False)
    if result.returncode != 0 or not target.exists():
        raise TrainingFailed(
            f"`rasa train` exited with {result.returncode}; read its messages above, fix the "
            "training data or config, and run `jiamenkou train` again"
        )
    for old in project.stale_models(keep=target):
        old.unlink(missing_ok=True)
    return target, True
