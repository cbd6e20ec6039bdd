"""JiebaTokenizer without whitespace-only tokens.

Rasa 3.6's JiebaTokenizer returns tokens such as " " for text with spaces (RasaHQ/rasa#7910);
they shift entity spans and DIET then drops the entity.  Dropping them keeps every other
token's character offsets intact, because offsets come from jieba, not from re-joining tokens.
"""

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class WhitespaceSafeJiebaTokenizer(JiebaTokenizer):
    """Jieba tokenization that never emits whitespace-only tokens."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        return [token for token in tokens if token.text.strip()]
