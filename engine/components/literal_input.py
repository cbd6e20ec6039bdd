"""Messages whose meaning does not need a model: a bare number, and stray characters.

A statistical classifier gives *some* intent to anything: "1" came out as goodbye, a line of
punctuation or an SQL fragment as check_ticket, an HTML tag as bot_challenge.  This component
runs after the classifiers and overrides them for such messages:

- a bare number ("2", "３", "2." …) becomes `choose_number` (confidence 1.0): the channels
  already turned numbers that pick a choice just offered into its payload, so a number that
  reaches the engine refers to nothing — unless a form is asking, which reads the text itself;
- text without a single Chinese character, letter-word or digit that means something —
  punctuation, markup, SQL — becomes `nlu_fallback`, which the rules answer with the general
  help, and loses its entities (a "--" is not a ticket number).
"""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.literal_rules import literal_intent

INTENT_RANKING_KEY = "intent_ranking"
PREDICTED_CONFIDENCE_KEY = "confidence"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LiteralInputClassifier(GraphComponent):
    """Overrides the predicted intent of bare numbers and stray characters."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"number_intent": "choose_number"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._number_intent = str(config.get("number_intent") or "choose_number")

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LiteralInputClassifier":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = literal_intent(message.get(TEXT) or "", self._number_intent)
            if intent is None:
                continue
            chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen], add_to_output=True)
            message.set(ENTITIES, [], add_to_output=True)
        return messages
