"""Runs in the engine environment beside Rasa: its launcher and the token-checking REST channel.

Not under engine/components/: nothing here is part of the model or its fingerprint.
"""
