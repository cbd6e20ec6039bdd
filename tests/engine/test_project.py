import shutil
from pathlib import Path

import pytest

from bot.engine.project import RasaProject
from bot.engine.training import current_model, train
from bot.errors import ModelMissing, TrainingFailed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> RasaProject:
    for folder in ("engine", "nlu_data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return RasaProject(tmp_path)


def test_fingerprint_is_stable_when_nothing_changes(project: RasaProject) -> None:
    assert project.fingerprint() == project.fingerprint()


@pytest.mark.parametrize(
    "relative", ["engine/domain/core.yml", "engine/config.yml", "nlu_data/x.yml"]
)
def test_fingerprint_changes_with_any_training_input(project: RasaProject, relative: str) -> None:
    before = project.fingerprint()
    path = project.root / relative
    path.write_text((path.read_text() if path.exists() else "") + "\n# changed\n")
    assert project.fingerprint() != before


def test_fingerprint_ignores_files_training_does_not_read(project: RasaProject) -> None:
    before = project.fingerprint()
    (project.root / "nlu_data" / "notes.md").write_text("scratch")
    assert project.fingerprint() == before


def test_missing_model_is_reported_with_what_to_do(project: RasaProject) -> None:
    with pytest.raises(ModelMissing, match="jiamenkou train"):
        current_model(project)


def test_train_reuses_an_up_to_date_model_without_running_rasa(project: RasaProject) -> None:
    project.models_dir.mkdir()
    model = project.model_path()
    model.write_bytes(b"model")
    # No engine environment exists in this copy: reaching `rasa train` would raise.
    assert train(project) == (model, False)


def test_train_without_engine_environment_says_to_run_setup(project: RasaProject) -> None:
    with pytest.raises(TrainingFailed, match="setup"):
        train(project)
