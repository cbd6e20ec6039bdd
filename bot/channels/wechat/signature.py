"""Whether a callback really comes from WeChat: signature, timestamp and nonce, in plain and
safe mode (安全模式), and the signature of our own encrypted replies.

WeChat signs every callback URL with sha1 over the sorted token, timestamp and nonce (plus the
encrypted body, as `msg_signature`, in safe mode). A signature alone would let anyone who saw
one signed URL (a proxy log, a browser history) send it again for ever, so the timestamp must
be within 5 minutes, the nonce must be there, and a signed URL may not come back with another
body within the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping

MAX_CLOCK_SKEW_S = 300  # older (or future) timestamps are replays or forgeries


class SignatureError(ValueError):
    """The request is not signed with our token (or is too old, or replayed); answered 403."""


def signature(token: str, *parts: str) -> str:
    """sha1 of the sorted, concatenated token/timestamp/nonce (+ Encrypt in safe mode)."""
    return hashlib.sha1("".join(sorted((token, *parts))).encode()).hexdigest()


class CallbackVerifier:
    """All checks of one account's callbacks (one per router; `clock` for tests)."""

    def __init__(self, *, token: str, clock: Callable[[], float] = time.time) -> None:
        self._token = token
        self._clock = clock
        self._nonces = NonceMemory(window_s=2 * MAX_CLOCK_SKEW_S, clock=clock)

    def check(self, params: Mapping[str, str]) -> None:
        """The URL is signed by WeChat just now (the URL check, and every message first)."""
        timestamp = params.get("timestamp", "")
        try:
            fresh = abs(self._clock() - int(timestamp)) <= MAX_CLOCK_SKEW_S
        except ValueError:
            fresh = False
        if not fresh:
            raise SignatureError("stale or missing timestamp")
        nonce = params.get("nonce", "")
        if not nonce:  # the signature would then cover only the timestamp
            raise SignatureError("missing nonce")
        self._compare(params.get("signature"), timestamp, nonce)

    def check_first_use(self, params: Mapping[str, str], body: bytes) -> None:
        """The signed URL (already `check`ed) has not come with another body before; the
        same body again is WeChat's own retry (deduplicated later by MsgId)."""
        if not self._nonces.remember(params["timestamp"], params["nonce"], body):
            raise SignatureError("signed URL reused with another body")

    def check_encrypted(self, params: Mapping[str, str], encrypted: str) -> None:
        """Safe mode: `msg_signature` covers the encrypted body as well."""
        timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
        self._compare(params.get("msg_signature"), timestamp, nonce, encrypted)

    def sign_reply(self, encrypted: str) -> tuple[str, str, str]:
        """(signature, timestamp, nonce) for an encrypted passive reply."""
        nonce, timestamp = secrets.token_hex(8), str(int(self._clock()))
        return signature(self._token, timestamp, nonce, encrypted), timestamp, nonce

    def _compare(self, given: str | None, *parts: str) -> None:
        if not given or not hmac.compare_digest(given.lower(), signature(self._token, *parts)):
            raise SignatureError("bad or missing signature")


class NonceMemory:
    """(timestamp, nonce) pairs seen within the window, each with the digest of its body.

    In memory: one `serve` process. Only correctly signed requests get here, so the table
    grows with WeChat's own traffic, not with an attacker's.
    """

    def __init__(self, *, window_s: float, clock: Callable[[], float]) -> None:
        self._window_s = window_s
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[float, bytes]] = {}
        self._pruned_at = 0.0

    def remember(self, timestamp: str, nonce: str, body: bytes) -> bool:
        """False when this signed (timestamp, nonce) came before with a different body."""
        now = self._clock()
        if now - self._pruned_at > self._window_s:
            self._seen = {k: v for k, v in self._seen.items() if v[0] > now}
            self._pruned_at = now
        digest = hashlib.sha256(body).digest()
        seen = self._seen.get((timestamp, nonce))
        if seen is not None and seen[0] > now:
            return hmac.compare_digest(seen[1], digest)
        self._seen[(timestamp, nonce)] = (now + self._window_s, digest)
        return True
