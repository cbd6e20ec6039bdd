"""The conversation record: read from the engine's own tracker store (Rasa's SQL `events`)."""
