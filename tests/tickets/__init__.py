"""Tests of bot/tickets."""
