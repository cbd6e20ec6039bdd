"""Reading answers during a report: corrections, places, short replies, address parts."""

from __future__ import annotations

from functools import cache

import pytest

from bot.config import Settings
from bot.tickets import report_answers as answers
from bot.tickets.report_answers import Correction, parse_correction
from bot.vocabulary import Vocabulary, load_vocabulary


@cache
def vocabulary() -> Vocabulary:
    return load_vocabulary(Settings().vocabulary_file)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The field is said first, then that it changes.
        ("地址错了，是3单元", Correction(answers.LOCATION, "3单元")),
        ("地点不对，应该是秀山社区8栋", Correction(answers.LOCATION, "秀山社区8栋")),
        ("电话改成13912345678", Correction(answers.PHONE, "13912345678")),
        ("描述改一下：路灯整晚都不亮", Correction(answers.DESCRIPTION, "路灯整晚都不亮")),
        ("类型错了", Correction(answers.CATEGORY, None)),
        # "不是A，是B": B says which field.
        ("不是飞线，是乱停车", Correction(answers.CATEGORY, "乱停车")),
        ("不是高空抛物而是噪音扰民", Correction(answers.CATEGORY, "噪音扰民")),
        ("不是5栋，是城西社区6栋", Correction(answers.LOCATION, "城西社区6栋")),
        # A correction word, then the new value.
        ("说错了，是楼道灯一直闪个不停", Correction(answers.DESCRIPTION, "楼道灯一直闪个不停")),
        ("不对，电话是0553-6123456", Correction(answers.PHONE, "电话是0553-6123456")),
        ("搞错了，13800001111", Correction(answers.PHONE, "13800001111")),
        ("不对", Correction(None, None)),
    ],
)
def test_corrections_name_or_imply_their_field(text: str, expected: Correction) -> None:
    found = parse_correction(text, vocabulary())
    assert found is not None
    assert found.field == expected.field
    if expected.value is not None and expected.field != answers.PHONE:
        assert found.value == expected.value
    elif expected.value is None:
        assert found.value is None


@pytest.mark.parametrize(
    "text",
    ["和顺社区3栋2单元", "13812345678", "不是很清楚，大概三楼", "好的", "楼道灯坏了好几天", "不用"],
)
def test_plain_answers_are_not_corrections(text: str) -> None:
    assert parse_correction(text, vocabulary()) is None


@pytest.mark.parametrize(
    "text", ["好的", "好的。", "对", "嗯嗯", "确认", "不用", "不用了", "3", "12", "？？", "OK"]
)
def test_short_replies_are_not_values(text: str) -> None:
    assert answers.is_not_a_value(text, vocabulary())


@pytest.mark.parametrize("text", ["3号楼", "和顺社区", "人民路口", "楼道里一直有人充电"])
def test_content_is_a_value(text: str) -> None:
    assert not answers.is_not_a_value(text, vocabulary())


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13812345678", True),
        ("138 1234 5678", True),
        ("0553-6123456", True),
        ("055 36123456", True),
        ("12345", False),
        ("3", False),
        ("1381234567", False),  # ten digits: no such mobile
        ("好的", False),
    ],
)
def test_phones_are_read_by_libphonenumber(text: str, phone: bool) -> None:
    assert answers.is_phone(text) is phone


@pytest.mark.parametrize(
    ("address", "part", "expected"),
    [
        ("和顺社区3栋2单元楼道", "3单元", "和顺社区3栋3单元楼道"),
        ("和顺社区3栋2单元楼道", "5栋", "和顺社区5栋2单元楼道"),
        ("幸福里小区8号楼402室", "502室", "幸福里小区8号楼502室"),
        ("和顺社区门口", "3单元", None),  # nothing of that kind to replace
        ("和顺社区3栋2单元", "城西社区", None),  # not a part: a new place
    ],
)
def test_address_parts_are_replaced_in_place(address: str, part: str, expected: str | None) -> None:
    assert answers.replace_address_part(address, part) == expected


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("在和顺社区3号楼", True),
        ("人民路和解放路路口", True),
        ("好的", False),
        ("13812345678", False),
    ],
)
def test_places_are_recognised_by_names_and_address_words(text: str, place: bool) -> None:
    assert answers.looks_like_place(text, vocabulary()) is place
