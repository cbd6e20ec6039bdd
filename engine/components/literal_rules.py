"""Which messages have an intent without a model: bare numbers and stray characters.

Pure Python (no Rasa), so the app's tests can check the rules; `literal_input` applies them
inside the engine's pipeline.
"""

import re
import unicodedata
from typing import Optional, Text

_BARE_NUMBER = re.compile(r"^\s*#?\s*(\d{1,4})\s*[.。、)）号]?\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_SQL = re.compile(
    r"(--|;|/\*|\*/|\b(select|insert|update|delete|drop|union|truncate|alter|exec)\b"
    r"|\bor\b\s+\S+\s*=\s*\S+|'\s*or\s*')",
    re.IGNORECASE,
)


def literal_intent(text: Text, number_intent: Text) -> Optional[Text]:
    """The intent `text` has without a model, or None when the model should decide."""
    normalised = unicodedata.normalize("NFKC", text)
    if _BARE_NUMBER.match(normalised):
        return number_intent
    if _CJK.search(normalised):
        return None
    if _MARKUP.search(normalised) or _SQL.search(normalised):
        return "nlu_fallback"
    has_word = any(ch.isalnum() for ch in normalised)
    has_emoji = any(unicodedata.category(ch) == "So" for ch in normalised)
    if not has_word and not has_emoji and normalised.strip():
        return "nlu_fallback"  # only punctuation and marks
    return None
