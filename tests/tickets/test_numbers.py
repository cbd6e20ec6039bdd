"""Ticket numbers as residents type them."""

from __future__ import annotations

import pytest

from bot.tickets.errors import InvalidTicketNumber
from bot.tickets.numbers import find_number, normalize_number, parse_number


@pytest.mark.parametrize(
    "typed",
    ["GD000123", "gd000123", "GD-000123", "gd 000123", "GD_000123", "ＧＤ０００１２３", "GD—000123",
     " GD000123 ", "GD123", "000123", "GD:000123"],
)  # fmt: skip
def test_typed_forms_normalise_to_one_number(typed: str) -> None:
    assert normalize_number(typed) == "GD000123"


def test_large_ids_keep_all_digits() -> None:
    assert normalize_number("gd1234567") == "GD1234567"
    assert parse_number("GD1234567") == 1234567


@pytest.mark.parametrize("typed", ["", "GD", "GD-abc", "123", "GD000000", "工单", "GX000123"])
def test_non_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidTicketNumber):
        parse_number(typed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("帮我查一下gd-000123的进度", "GD000123"), ("工单GD000045办得怎么样", "GD000045"),
     ("我的工单呢", None), ("GD000000", None)],
)  # fmt: skip
def test_number_found_inside_a_sentence(text: str, expected: str | None) -> None:
    assert find_number(text) == expected
