"""Handing a conversation to a person: requests, exclusive claims, replies, release, escalation."""
