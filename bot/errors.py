"""The project's exception tree; each carries a one-sentence message meant for the operator."""

from __future__ import annotations


class JiamenkouError(Exception):
    """Base error: its message says what went wrong and what to do."""

    exit_code = 1
    default_message = "something went wrong"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class ConfigError(JiamenkouError):
    exit_code = 2
    default_message = "the configuration is invalid"


class PortInUse(JiamenkouError):
    exit_code = 3
    default_message = "a port is already in use"


class ModelMissing(JiamenkouError):
    exit_code = 4
    default_message = "no trained model found; run `jiamenkou train` first"


class EngineUnavailable(JiamenkouError):
    exit_code = 5
    default_message = "the Rasa engine is not reachable; start it with `jiamenkou up`"


class EngineStartFailed(JiamenkouError):
    exit_code = 6
    default_message = "the Rasa engine or the action server did not start"


class TrainingFailed(JiamenkouError):
    exit_code = 7
    default_message = "training the model failed"


class DataFileError(JiamenkouError):
    exit_code = 8
    default_message = "the data file is invalid"


class ConversationNotFound(JiamenkouError):
    exit_code = 9
    default_message = "no conversation has that id; see `jiamenkou conversations list`"


class HandoffNotFound(JiamenkouError):
    exit_code = 9
    default_message = "nobody is waiting for a person in that conversation"


class HandoffTaken(JiamenkouError):
    """Another staff member holds the conversation (claim is exclusive)."""

    exit_code = 10
    default_message = "another staff member already holds this conversation"


class AnnotationRefused(JiamenkouError):
    """A new training example would duplicate or contradict the data (the message says where)."""

    exit_code = 11
    default_message = "the example was not added"


class InboxItemNotFound(JiamenkouError):
    exit_code = 9
    default_message = "no inbox message has that id; see `jiamenkou nlu inbox`"


class ModelNotFound(JiamenkouError):
    exit_code = 9
    default_message = "no trained model has that id; see `jiamenkou models list`"


class PromotionRefused(JiamenkouError):
    """The quality gate found the candidate worse than the serving model (reasons listed)."""

    exit_code = 12
    default_message = "the candidate is worse than the serving model; not promoted"
