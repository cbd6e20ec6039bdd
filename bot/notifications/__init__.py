"""Outbound notifications: an outbox written with each change, delivered with retries."""
