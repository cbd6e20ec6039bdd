"""Payloads the bridges make: only valid points and the bridges' own photo references."""

from __future__ import annotations

import json
import math

import pytest

from bot.channels import payloads


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (math.nan, 121.0),
        (31.0, math.inf),
        (-math.inf, 121.0),
        (999.0, 121.0),
        (31.0, -999.0),
        (90.0001, 0.0),
    ],
)
def test_a_point_off_the_globe_never_becomes_a_payload(lat: float, lon: float) -> None:
    with pytest.raises(payloads.PayloadError):
        payloads.share_location(lat, lon)


def test_a_valid_point_is_plain_json_without_nan() -> None:
    payload = payloads.share_location(31.2304, 121.4737)
    assert json.loads(payload.removeprefix("/share_location")) == {
        "latitude": 31.2304,
        "longitude": 121.4737,
    }


@pytest.mark.parametrize(
    ("channel", "file_id"),
    [
        ("wechat", "https://evil.example/x.jpg"),
        ("wechat", ""),
        ("telegram", 'id"}, "latitude": 1'),
        ("rest", "abc"),
        ("wechat", "x" * 300),
    ],
)
def test_photo_references_are_platform_file_ids_only(channel: str, file_id: str) -> None:
    with pytest.raises(payloads.PayloadError):
        payloads.photo_ref(channel, file_id)


def test_a_photo_reference_belongs_to_its_own_channel() -> None:
    ref = payloads.photo_ref("telegram", "AgACAgIAAxkBAAIB-x_y")
    assert payloads.is_photo_ref(ref, channel="telegram")
    assert not payloads.is_photo_ref(ref, channel="wechat")
    assert not payloads.is_photo_ref("wechat:https://evil.example/x.jpg", channel="wechat")
    assert not payloads.is_photo_ref(["wechat:abc"], channel="wechat")
    with pytest.raises(payloads.PayloadError):
        payloads.attach_photo("https://evil.example/x.jpg")


@pytest.mark.parametrize(
    ("payload", "allowed"),
    [
        ("/find_station", True),
        ("/report_problem", True),
        ('/attach_photo{"photo_ref": "x"}', False),
        ("/affirm@0.99", False),
        ("find_station", False),
    ],
)
def test_menu_clicks_may_only_name_an_intent(payload: str, allowed: bool) -> None:
    assert payloads.is_intent_only(payload) is allowed
