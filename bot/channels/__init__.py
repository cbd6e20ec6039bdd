"""Channels residents use: terminal chat, Telegram and WeChat bridges."""
