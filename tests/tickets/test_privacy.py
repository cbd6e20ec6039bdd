"""Masking of phones and addresses in text, views and every log record."""

from __future__ import annotations

import io
import logging

import pytest

from bot.privacy import (
    PhoneMaskingFilter,
    install_log_masking,
    mask_address,
    mask_phone,
    mask_phones_in_text,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812345678", "138****5678"), ("+8613812345678", "138****5678"),
     ("+86 138-1234-5678", "138****5678"), ("", ""), (None, "")],
)  # fmt: skip
def test_mask_phone(raw: str | None, masked: str) -> None:
    assert mask_phone(raw) == masked


def test_mobile_numbers_inside_text_are_masked_but_other_digits_survive() -> None:
    text = "电话13812345678，+86 139 1234 5678；工单GD000123；订单号2013812345678999"
    assert mask_phones_in_text(text) == (
        "电话138****5678，139****5678；工单GD000123；订单号2013812345678999"
    )


@pytest.mark.parametrize(
    ("address", "masked"),
    [("幸福里小区3栋2单元501", "幸福里小区**"), ("和平路88号院5号楼", "和平路**"),
     ("中山公园东门", "中山公园东门"), ("", "")],
)  # fmt: skip
def test_mask_address_hides_the_household(address: str, masked: str) -> None:
    assert mask_address(address) == masked


def test_log_filter_masks_message_and_arguments() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        install_log_masking(logger)
        install_log_masking(logger)  # idempotent
        assert sum(isinstance(f, PhoneMaskingFilter) for f in handler.filters) == 1
        logger.warning("reporter %s called about %s", "13812345678", "GD000001")
        logger.warning("direct 13912345678")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().splitlines() == [
        "reporter 138****5678 called about GD000001",
        "direct 139****5678",
    ]
