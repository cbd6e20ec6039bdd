import pytest

from bot.channels.input_guard import guard_text
from bot.templates import bridges as messages


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\u200b", "\x00\x07"])
def test_empty_or_invisible_messages_get_a_polite_hint(raw: str) -> None:
    result = guard_text(raw, max_chars=100)
    assert result.text is None
    assert result.reply == messages.EMPTY_MESSAGE


def test_overlong_messages_are_answered_without_the_engine() -> None:
    result = guard_text("飞线充电" * 2500, max_chars=2000)
    assert result.text is None
    assert result.reply is not None and "2000" in result.reply


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  查一下  ＧＤ０００１２３ ", "查一下 GD000123"),
        ("附近\n有驿站吗", "附近 有驿站吗"),
        ("😀😀", "😀😀"),
        ("hello 你好 abc", "hello 你好 abc"),
        ("路灯坏了，晚上很黑。", "路灯坏了，晚上很黑。"),
    ],
)
def test_text_is_normalised_before_the_engine_sees_it(raw: str, expected: str) -> None:
    assert guard_text(raw, max_chars=100).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('/attach_photo{"photo_ref": "https://x"}', 'attach_photo{"photo_ref": "https://x"}'),
        ("  /affirm", "affirm"),
        ("// /correct_report", "correct_report"),
        ("/ 附近有驿站吗", "附近有驿站吗"),
        ("我家在3/4号楼", "我家在3/4号楼"),  # a slash inside the text is just a slash
    ],
)
def test_typed_text_never_starts_with_the_payload_slash(raw: str, expected: str) -> None:
    assert guard_text(raw, max_chars=2000).text == expected


@pytest.mark.parametrize("raw", ["/", " // ", "/\u200b"])
def test_a_bare_slash_is_an_empty_message(raw: str) -> None:
    assert guard_text(raw, max_chars=2000).reply == messages.EMPTY_MESSAGE
