"""Where the Rasa project's files are, and the fingerprint that names a trained model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings

MODEL_PREFIX = "jiamenkou-"


@dataclass(frozen=True)
class RasaProject:
    root: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaProject:
        return cls(settings.home)

    @property
    def config(self) -> Path:
        return self.root / "engine" / "config.yml"

    @property
    def domain(self) -> Path:
        return self.root / "engine" / "domain"

    @property
    def credentials(self) -> Path:
        return self.root / "engine" / "credentials.yml"

    @property
    def components_dir(self) -> Path:
        return self.root / "engine" / "components"

    @property
    def data_dirs(self) -> list[Path]:
        """Training data: hand-written NLU, rules/stories, and the generated vocabulary file."""
        return [self.root / "nlu_data", self.root / "engine" / "data", self.root / "build" / "nlu"]

    @property
    def userdict_dir(self) -> Path:
        return self.root / "build" / "jieba_userdict"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def engine_bin(self) -> Path:
        return self.root / ".venv-engine" / "bin"

    @property
    def lock_file(self) -> Path:
        return self.root / "engine" / "requirements.lock"

    def fingerprint_inputs(self) -> list[Path]:
        files = [self.config, self.lock_file]
        for folder in [self.domain, *self.data_dirs, self.userdict_dir, self.components_dir]:
            if folder.is_dir():
                files.extend(p for p in folder.rglob("*") if p.is_file() and _relevant(p))
        return sorted(set(files))

    def fingerprint(self) -> str:
        """A hash of everything training reads, so an unchanged model is reused."""
        digest = hashlib.sha256()
        for path in self.fingerprint_inputs():
            digest.update(str(path.relative_to(self.root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes() if path.exists() else b"<missing>")
            digest.update(b"\0")
        return digest.hexdigest()[:16]

    def model_name(self) -> str:
        return f"{MODEL_PREFIX}{self.fingerprint()}"

    def model_path(self) -> Path:
        return self.models_dir / f"{self.model_name()}.tar.gz"

    def stale_models(self, keep: Path) -> list[Path]:
        return [p for p in self.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz") if p != keep]


def _relevant(path: Path) -> bool:
    return path.suffix in {".yml", ".yaml", ".txt", ".py"} and "__pycache__" not in path.parts
