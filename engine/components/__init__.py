"""Custom Rasa graph components; this folder is on the engine's PYTHONPATH (engine env only)."""
