"""Custom Rasa actions (rasa-sdk): thin adapters from the dialogue to the domain services."""
