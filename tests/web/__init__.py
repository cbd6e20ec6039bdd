"""Tests of bot/web (the Open311 API through the real app) and `jiamenkou serve`."""
