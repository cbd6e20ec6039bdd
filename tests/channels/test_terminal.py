from bot.channels.terminal import render, resolve_choice
from bot.engine.client import BotMessage, Button
from bot.templates import bridges as messages

BUTTONS = [Button("找附近的服务站", "/find_station"), Button("反映问题", "/report_problem")]


def test_buttons_are_rendered_as_numbered_choices() -> None:
    text, buttons = render([BotMessage("您好！", BUTTONS), BotMessage("还有别的吗？")])
    assert text.splitlines() == [
        "您好！",
        "  1. 找附近的服务站",
        "  2. 反映问题",
        "还有别的吗？",
        messages.CHOOSE_HINT,
    ]
    assert buttons == BUTTONS


def test_an_empty_reply_still_says_something() -> None:
    assert render([]) == ("", [])


def test_a_number_selects_the_button_payload_and_anything_else_passes_through() -> None:
    assert resolve_choice("2", BUTTONS) == "/report_problem"
    assert resolve_choice("3", BUTTONS) == "3"
    assert resolve_choice("0", BUTTONS) == "0"
    assert resolve_choice("附近驿站", BUTTONS) == "附近驿站"
    assert resolve_choice("1", []) == "1"
