"""Masking of phones and addresses in text, views and every log record."""

from __future__ import annotations

import io
import logging

import pytest

from bot.privacy import (
    LogMaskingFilter,
    MaskingStream,
    install_log_masking,
    mask_address,
    mask_log_text,
    mask_phone,
    mask_phones_in_text,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13812345678", "138****5678"), ("+8613812345678", "138****5678"),
     ("+86 138-1234-5678", "138****5678"), ("", ""), (None, ""),
     # Landlines keep the area code: 0553 (4 digits), 010 and 021 (3 digits).
     ("+865536123456", "0553-***3456"), ("+861012345678", "010-****5678"),
     ("+862161234567", "021-****4567")],
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
        assert sum(isinstance(f, LogMaskingFilter) for f in handler.filters) == 1
        logger.warning("reporter %s called about %s", "13812345678", "GD000001")
        logger.warning("direct 13912345678")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().splitlines() == [
        "reporter 138****5678 called about GD000001",
        "direct 139****5678",
    ]


@pytest.mark.parametrize(
    ("line", "hidden", "kept"),
    [
        ('"GET /wechat?signature=ab12&nonce=77&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o HTTP/1.1" 200',
         ["ab12", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"], ["/wechat?signature=…", "200"]),
        ("sender_id telegram:424242 said hi", ["424242"], ["telegram:user#"]),
        ('{"chat_id": 987654321, "text": "x"}', ["987654321"], ['"chat_id": user#']),
        ("地址：和顺社区3栋2单元501室，电话 138-1234-5678", ["3栋", "501", "1234"], ["和顺社区**"]),
        ("model jiamenkou-fe4ff25810ff7745.tar.gz, ticket GD000123, 15 s", [],
         ["jiamenkou-fe4ff25810ff7745.tar.gz", "GD000123", "15 s"]),
    ],
)  # fmt: skip
def test_log_lines_lose_every_personal_value_and_keep_the_rest(
    line: str, hidden: list[str], kept: list[str]
) -> None:
    masked = mask_log_text(line)
    assert all(value not in masked for value in hidden), masked
    assert all(value in masked for value in kept), masked


def test_the_masking_stream_masks_whole_lines_and_what_is_flushed() -> None:
    raw = io.StringIO()
    stream = MaskingStream(raw)
    stream.write("电话1381234")
    assert raw.getvalue() == ""  # half a number is held back until the line is complete
    stream.write("5678\n下一行")
    stream.flush()
    assert raw.getvalue() == "电话138****5678\n下一行"


def test_a_traceback_is_masked_too() -> None:
    logger = logging.getLogger("test.privacy.traceback")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    install_log_masking(logger)
    try:
        raise ValueError("INSERT … parameters: ('13812345678',)")
    except ValueError:
        logger.exception("insert failed")
    logger.removeHandler(handler)
    assert "13812345678" not in stream.getvalue() and "138****5678" in stream.getvalue()
