"""WeChat callback checks against URLs signed as WeChat signs them (`wechat_side`)."""

from __future__ import annotations

import pytest

from bot.channels.wechat.signature import MAX_CLOCK_SKEW_S, CallbackVerifier, SignatureError
from tests.channels.wechat.wechat_side import TOKEN, msg_signature, signed_query

NOW = 1_764_547_200  # 2025-12-01 00:00 UTC, a fixed clock


def verifier(now: list[float] | None = None) -> CallbackVerifier:
    clock = now if now is not None else [float(NOW)]
    return CallbackVerifier(token=TOKEN, clock=lambda: clock[0])


def test_a_url_signed_just_now_passes() -> None:
    verifier().check(signed_query(timestamp=NOW))
    verifier().check(signed_query(timestamp=NOW - MAX_CLOCK_SKEW_S))


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (signed_query(timestamp=NOW - MAX_CLOCK_SKEW_S - 1), "stale"),
        (signed_query(timestamp=NOW + MAX_CLOCK_SKEW_S + 1), "stale"),  # from the future
        ({**signed_query(timestamp=NOW), "timestamp": "soon"}, "stale"),
        ({k: v for k, v in signed_query(timestamp=NOW).items() if k != "timestamp"}, "stale"),
        (signed_query(timestamp=NOW, nonce=""), "nonce"),
        ({**signed_query(timestamp=NOW), "signature": "0" * 40}, "signature"),
        ({k: v for k, v in signed_query(timestamp=NOW).items() if k != "signature"}, "signature"),
        # signed for another nonce: the signature covers it
        ({**signed_query(timestamp=NOW, nonce="1"), "nonce": "2"}, "signature"),
    ],
)
def test_unsigned_forged_and_stale_urls_are_refused(query: dict[str, str], reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        verifier().check(query)


def test_a_signed_url_may_come_again_only_with_the_same_body() -> None:
    checks = verifier()
    query = signed_query(timestamp=NOW)
    checks.check_first_use(query, b"<xml>1</xml>")
    checks.check_first_use(query, b"<xml>1</xml>")  # WeChat's own retry
    with pytest.raises(SignatureError, match="reused"):
        checks.check_first_use(query, b"<xml>2</xml>")
    checks.check_first_use(signed_query(timestamp=NOW), b"<xml>2</xml>")  # another nonce


def test_safe_mode_signature_covers_the_encrypted_body() -> None:
    query = signed_query(timestamp=NOW, nonce="1320562132")
    query["msg_signature"] = msg_signature(query["timestamp"], query["nonce"], "ENCRYPTED")
    verifier().check_encrypted(query, "ENCRYPTED")
    with pytest.raises(SignatureError):
        verifier().check_encrypted(query, "ANOTHER BODY")
    with pytest.raises(SignatureError):
        verifier().check_encrypted({**query, "msg_signature": ""}, "ENCRYPTED")


def test_replies_are_signed_as_wechat_checks_them() -> None:
    signed, timestamp, nonce = verifier().sign_reply("ENCRYPTED")
    assert timestamp == str(NOW) and nonce
    assert signed == msg_signature(timestamp, nonce, "ENCRYPTED")
