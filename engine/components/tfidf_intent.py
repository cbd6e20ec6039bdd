"""Intent classification by logistic regression over TF-IDF words, characters and patterns.

On our ~1,000 Chinese examples DIET classified intents worse than the TF-IDF + logistic
regression baseline (bench/RESULTS-nlu.md), on held-out data and in cross-validation.  This
component is that baseline's model moved into the pipeline, plus the one thing the baseline
cannot see: the sentence-level pattern features of the RegexFeaturizer (which lookup table —
service, problem type, community, place — or regex — ticket number, phone — the message
matches).  Those generalise over the hundreds of vocabulary entries that training examples
never mention, which is where the baseline loses examples.

- words: the pipeline tokenizer's tokens (jieba with the project dictionary), lower-cased;
- characters: char_wb n-grams of the text;
- both TF-IDF weighted with sublinear tf (a repeated word counts a little more, not n times);
- patterns: the sparse sentence features of the featurizers named in `featurizers` (their
  `alias`), appended unweighted.

Rasa's own LogisticRegressionClassifier fits on raw counts of every featurizer with fixed
regularisation; it scored lower.  Output is Rasa's: `intent` and `intent_ranking` with
probabilities, which FallbackClassifier and the trainer's inbox read.  The model is stored as
plain arrays and JSON (no pickle), so loading a model file executes nothing.
"""

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

INTENT_RANKING_KEY = "intent_ranking"
PREDICTED_CONFIDENCE_KEY = "confidence"
MODEL_FILE = "model.npz"
META_FILE = "meta.json"


def _words(tokens: List[Text]) -> List[Text]:
    return tokens


def _word_vectorizer(vocabulary: Optional[Dict[Text, int]] = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_words, sublinear_tf=True, vocabulary=vocabulary)


def _char_vectorizer(
    ngrams: Tuple[int, int], vocabulary: Optional[Dict[Text, int]] = None
) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=ngrams, sublinear_tf=True, vocabulary=vocabulary
    )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TfidfIntentClassifier(IntentClassifier, GraphComponent):
    """TF-IDF words + characters (+ pattern features) → multinomial logistic regression."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Inverse regularisation strength; 30 scored best in cross-validation (10–100 tried).
            "C": 30.0,
            "max_iter": 3000,
            "min_char_ngram": 1,
            "max_char_ngram": 3,
            # Aliases of featurizers whose sentence features are appended; [] = none.
            "featurizers": [],
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        *,
        words: Optional[TfidfVectorizer] = None,
        chars: Optional[TfidfVectorizer] = None,
        coef: Optional[np.ndarray] = None,
        intercept: Optional[np.ndarray] = None,
        classes: Optional[List[Text]] = None,
        extra_width: int = 0,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._words = words
        self._chars = chars
        self._coef = coef
        self._intercept = intercept
        self._classes = classes or []
        self._extra_width = extra_width

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def _ngrams(self) -> Tuple[int, int]:
        return int(self.config["min_char_ngram"]), int(self.config["max_char_ngram"])

    @staticmethod
    def _tokens(message: Message) -> List[Text]:
        return [t.text.strip().lower() for t in message.get(TEXT_TOKENS) or [] if t.text.strip()]

    def _extra(self, messages: List[Message]) -> Optional[scipy.sparse.csr_matrix]:
        featurizers = list(self.config["featurizers"] or [])
        if not featurizers:
            return None
        rows = []
        for message in messages:
            _, sentence = message.get_sparse_features(TEXT, featurizers)
            if sentence is None:
                rows.append(scipy.sparse.csr_matrix((1, self._extra_width)))
            else:
                rows.append(scipy.sparse.csr_matrix(sentence.features))
        return scipy.sparse.vstack(rows).tocsr()

    def _matrix(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        assert self._words is not None and self._chars is not None
        parts = [
            self._words.transform([self._tokens(m) for m in messages]),
            self._chars.transform([m.get(TEXT) or "" for m in messages]),
        ]
        extra = self._extra(messages)
        if extra is not None:
            parts.append(extra)
        return scipy.sparse.hstack(parts).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if len({e.get(INTENT) for e in examples}) < 2:
            logger.warning("TfidfIntentClassifier needs at least two intents; not trained.")
            return self._resource
        self._words = _word_vectorizer().fit([self._tokens(e) for e in examples])
        self._chars = _char_vectorizer(self._ngrams()).fit([e.get(TEXT) for e in examples])
        extra = self._extra(examples)
        self._extra_width = 0 if extra is None else int(extra.shape[1])
        labels = [e.get(INTENT) for e in examples]
        clf = LogisticRegression(C=float(self.config["C"]), max_iter=int(self.config["max_iter"]))
        clf.fit(self._matrix(examples), labels)
        self._coef = clf.coef_
        self._intercept = clf.intercept_
        self._classes = [str(c) for c in clf.classes_]
        self.persist()
        return self._resource

    def _probabilities(self, messages: List[Message]) -> np.ndarray:
        assert self._coef is not None and self._intercept is not None
        matrix = self._matrix(messages)
        scores = np.asarray(matrix @ self._coef.T + self._intercept)
        # A message sharing no word, character or pattern with the training data would get the
        # intercepts' class prior (about 0.37 for affirm): evidence of nothing, so confidence 0
        # and FallbackClassifier answers it. char_wb pads words with spaces, so the " " n-gram
        # is in every text: it helps classify (cross-validation drops without it) but is no
        # evidence.
        unknown = (abs(matrix) @ self._evidence_weights(matrix.shape[1])) == 0
        probabilities = self._softmax(scores)
        probabilities[unknown] = 0.0
        return probabilities

    def _evidence_weights(self, width: int) -> np.ndarray:
        """1 for every column that is evidence, 0 for the blank n-grams; made once per model
        (walking the 8,000 character n-grams and zeroing columns of a sparse matrix cost
        about 1.5 ms of every parse)."""
        assert self._words is not None and self._chars is not None
        cached = getattr(self, "_evidence_cache", None)
        if cached is not None and cached[0] is self._chars and len(cached[1]) == width:
            return cached[1]
        offset = len(self._words.vocabulary_)
        weights = np.ones(width)
        for gram, i in self._chars.vocabulary_.items():
            if not gram.strip():
                weights[offset + i] = 0.0
        self._evidence_cache = (self._chars, weights)
        return weights

    def _softmax(self, scores: np.ndarray) -> np.ndarray:
        if len(self._classes) == 2:
            # scikit-learn keeps one weight row for two classes: P(second) = sigmoid(score).
            second = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - second, second], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._coef is None or not messages:
            return messages
        probabilities = self._probabilities(messages)
        length = int(self.config["ranking_length"])
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row)
            ranking = [
                {INTENT_NAME_KEY: self._classes[i], PREDICTED_CONFIDENCE_KEY: float(row[i])}
                for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def persist(self) -> None:
        assert self._words is not None and self._chars is not None
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / MODEL_FILE,
                coef=self._coef,
                intercept=self._intercept,
                word_idf=self._words.idf_,
                char_idf=self._chars.idf_,
            )
            meta = {
                "classes": self._classes,
                "extra_width": self._extra_width,
                "word_vocabulary": {k: int(v) for k, v in self._words.vocabulary_.items()},
                "char_vocabulary": {k: int(v) for k, v in self._chars.vocabulary_.items()},
            }
            (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / MODEL_FILE, allow_pickle=False)
                meta = json.loads((directory / META_FILE).read_text("utf-8"))
        except (ValueError, FileNotFoundError):
            logger.warning("TfidfIntentClassifier: no trained model found; it will not classify.")
            return cls.create(config, model_storage, resource, execution_context)
        component = cls(config, model_storage, resource)
        words = _word_vectorizer(meta["word_vocabulary"])
        words.idf_ = arrays["word_idf"]
        chars = _char_vectorizer(component._ngrams(), meta["char_vocabulary"])
        chars.idf_ = arrays["char_idf"]
        component._words = words
        component._chars = chars
        component._coef = arrays["coef"]
        component._intercept = arrays["intercept"]
        component._classes = list(meta["classes"])
        component._extra_width = int(meta["extra_width"])
        return component
