"""Telegram bridge: python-telegram-bot in front of the engine's REST channel."""
