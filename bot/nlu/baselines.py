"""Two baselines the Rasa pipeline must beat, trained on the same examples and scored on the
same held-out file: a keyword matcher and TF-IDF + logistic regression over jieba words and
character n-grams (scikit-learn)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import jieba
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from bot.nlu.metrics import Prediction
from bot.nlu.reader import Example

NO_MATCH = "nlu_fallback"
Tokenize = Callable[[str], list[str]]


def jieba_tokenizer(userdict_dir: Path | None) -> Tokenize:
    """A jieba instance of our own (jieba's default one is process-wide state) with the
    project's generated user dictionary, as the engine's tokenizer uses it."""
    tokenizer = jieba.Tokenizer()
    if userdict_dir is not None and userdict_dir.is_dir():
        for path in sorted(userdict_dir.glob("*.txt")):
            tokenizer.load_userdict(str(path))

    def tokenize(text: str) -> list[str]:
        return [t.strip().lower() for t in tokenizer.lcut(text) if t.strip()]

    return tokenize


class KeywordMatcher:
    """What a hand-made keyword list would do: words that (almost) only one intent uses in
    training vote for it; a message with no such word is not understood."""

    def __init__(self, tokenize: Tokenize, *, min_count: int = 2, purity: float = 0.8) -> None:
        self._tokenize = tokenize
        self._min_count = min_count
        self._purity = purity
        self.keywords: dict[str, tuple[str, float]] = {}  # word -> (intent, weight)

    def fit(self, examples: list[Example]) -> KeywordMatcher:
        by_word: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for example in examples:
            for word in set(self._tokenize(example.text)):
                by_word[word][example.intent] += 1
        for word, intents in by_word.items():
            intent, count = intents.most_common(1)[0]
            share = count / sum(intents.values())
            if count >= self._min_count and share >= self._purity:
                self.keywords[word] = (intent, share)
        return self

    def predict(self, texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            votes: defaultdict[str, float] = defaultdict(float)
            for word in self._tokenize(text):
                if word in self.keywords:
                    intent, weight = self.keywords[word]
                    votes[intent] += weight
            out.append(max(votes, key=lambda i: votes[i]) if votes else NO_MATCH)
        return out


class TfidfLogReg:
    def __init__(self, tokenize: Tokenize) -> None:
        words = TfidfVectorizer(
            tokenizer=tokenize, token_pattern=None, lowercase=False, sublinear_tf=True
        )
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        self._model = make_pipeline(
            FeatureUnion([("words", words), ("chars", chars)]),
            LogisticRegression(C=10.0, max_iter=3000),
        )

    def fit(self, examples: list[Example]) -> TfidfLogReg:
        self._model.fit([e.text for e in examples], [e.intent for e in examples])
        return self

    def predict(self, texts: list[str]) -> list[str]:
        return [str(label) for label in self._model.predict(texts)]


def baseline_predictions(
    train: list[Example], test: list[Example], *, userdict_dir: Path | None
) -> dict[str, list[Prediction]]:
    """Intent predictions of both baselines on `test` (they extract no entities)."""
    tokenize = jieba_tokenizer(userdict_dir)
    texts = [e.text for e in test]
    return {
        "keyword": [
            Prediction(i, frozenset()) for i in KeywordMatcher(tokenize).fit(train).predict(texts)
        ],
        "tfidf_lr": [
            Prediction(i, frozenset()) for i in TfidfLogReg(tokenize).fit(train).predict(texts)
        ],
    }
