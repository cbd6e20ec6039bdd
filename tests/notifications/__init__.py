"""Tests of bot/notifications."""
