"""Reading a resident's answers while a report is being collected: corrections, places, replies.

Rasa-free: the report form's validation action asks these functions what a message means and
turns the answer into slots. A correction ("不对，是…", "地址错了，是3单元", "不是飞线，是乱停车")
names a field, or lets the new value say which field it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tickets.errors import InvalidPhone
from bot.tickets.phones import normalize_phone
from bot.vocabulary import Vocabulary

CATEGORY = "problem_type"
DESCRIPTION = "report_description"
LOCATION = "report_location"
PHONE = "report_phone"
FIELDS = (CATEGORY, DESCRIPTION, LOCATION, PHONE)

FIELD_WORDS = {
    CATEGORY: ("类别", "类型", "分类", "问题类型"),
    DESCRIPTION: ("描述", "情况", "内容", "问题描述"),
    LOCATION: ("地点", "地址", "位置", "地方"),
    PHONE: ("电话", "手机", "号码", "手机号", "电话号码", "联系方式"),
}
FIELD_LABELS = {CATEGORY: "类别", DESCRIPTION: "描述", LOCATION: "地点", PHONE: "电话"}

# "地址错了，是…", "电话改成…": a field word, then a word that says it changes.
_CHANGE = r"(?:错了|不对|写错了|说错了|搞错了|有误|改成|改为|改一下|换成|应该是|更正为?)"
_FIELD_FIRST = re.compile(
    r"^(?P<field>"
    + "|".join(sorted({w for ws in FIELD_WORDS.values() for w in ws}, key=len, reverse=True))
    + r")\s*"
    + _CHANGE
)
# What follows "是" / "改成" is the new value ("不对，是3单元" -> "3单元").
_NEW_VALUE = re.compile(r"(?:应该是|改成|改为|换成|而是|是)[:：,，\s]*(?P<value>.+)$")
# "不是A，是B": the wrong value, then the right one.
_NOT_BUT = re.compile(r"^不是(?P<wrong>.+?)[，,、\s]*(?:而是|是)(?P<value>.+)$")
_EDGE = "，。！？、,.!?~～:：；; \t"

# Parts of an address that a correction may replace on their own ("是3单元").
_ADDRESS_PARTS = (
    re.compile(r"[0-9一二三四五六七八九十两]+(?:单元)"),
    re.compile(r"[0-9一二三四五六七八九十两]+(?:号楼|栋|幢|座)"),
    re.compile(r"[0-9]+(?:室|号房|户)"),
    re.compile(r"[0-9一二三四五六七八九十]+(?:楼|层)(?![道梯])"),
)
# How a place ends: "…3栋", "…楼道", "人民路口", "学校对面".
_PLACE_END = re.compile(
    r"(社区|小区|花园|家园|苑|公寓|大厦|广场|公园|号楼|栋|幢|座|单元|室|号|楼道|楼下|楼前|楼后|"
    r"楼顶|楼|层|路|街|巷|道|口|村|镇|区|县|门口|对面|旁边|附近|院|市场|学校|小学|中学|医院|"
    r"站|桥|河|里)$"
)
# "在和顺社区3号楼": the place without the words that introduce it.
_LEADING_PLACE_WORDS = ("应该是在", "应该在", "是在", "就在", "在")
_ONLY_DIGITS_OR_MARKS = re.compile(r"^[\d\W_]*$")


@dataclass(frozen=True)
class Correction:
    """A resident correcting the report: the field (None: not said and not guessable) and the
    new value (None: "不对" alone)."""

    field: str | None
    value: str | None


def parse_correction(text: str, vocabulary: Vocabulary) -> Correction | None:
    """The correction `text` makes, or None when it is not one (a plain answer)."""
    text = text.strip()
    named = _FIELD_FIRST.match(text)
    if named:
        said = next(f for f, words in FIELD_WORDS.items() if named.group("field") in words)
        return Correction(said, _value(text[named.end() :]))
    not_but = _NOT_BUT.match(text)
    if not_but:
        value = not_but.group("value").strip(_EDGE) or None
        return Correction(_guess_field(value, vocabulary) if value else None, value)
    marker = vocabulary.starts_with_reply(text, "correction")
    if marker is None or marker == "不是":  # a bare "不是…" is usually just an answer
        return None
    rest = text[len(marker) :]
    new_value = _value(rest)
    guessed = _guess_field(new_value, vocabulary) if new_value else None
    return Correction(_field_named_in(rest) or guessed, new_value)


def _value(rest: str) -> str | None:
    rest = rest.strip(_EDGE)
    found = _NEW_VALUE.search(rest)
    value = found.group("value") if found else rest
    # "地址错了" alone, or "电话不对" alone: no new value yet.
    value = value.strip(_EDGE)
    for words in FIELD_WORDS.values():
        if value in words:
            return None
    return value or None


def _field_named_in(rest: str) -> str | None:
    head = rest.strip(_EDGE)[:6]
    for field, words in FIELD_WORDS.items():
        if any(head.startswith(w) for w in words):
            return field
    return None


def _guess_field(value: str, vocabulary: Vocabulary) -> str:
    """Which field a bare new value belongs to: a phone, a problem type, a place, else the
    description."""
    if is_phone(value):
        return PHONE
    category = vocabulary.problem_type_in(value)
    if category is not None and len(value) <= 8:
        return CATEGORY
    if category is None and looks_like_place(value, vocabulary):
        return LOCATION
    return DESCRIPTION


def is_phone(text: str) -> bool:
    digits = re.sub(r"[\s\-()（）+]", "", text)
    if not digits.isdigit() or len(digits) < 7:
        return False
    try:
        return normalize_phone(text) is not None
    except InvalidPhone:
        return False


def looks_like_place(text: str, vocabulary: Vocabulary) -> bool:
    """A value that reads as a place ("城西社区6栋", "人民路口"), not as what happened there."""
    value = text.strip(_EDGE)
    if not value or is_phone(value) or len(value) > 20:
        return False
    if _PLACE_END.search(value):
        return True
    # A known name with little else: "在和顺社区", "和顺社区那边".
    return any(name in value and len(value) - len(name) <= 4 for name in vocabulary.place_names())


def is_not_a_value(text: str, vocabulary: Vocabulary) -> bool:
    """Replies that answer no question's content: 好的, 对, 不用, 确认, a bare number, marks."""
    if vocabulary.reply_kind(text) is not None:
        return True
    return bool(_ONLY_DIGITS_OR_MARKS.match(text.strip()))


def replace_address_part(address: str, part: str) -> str | None:
    """`address` with its unit/building/room/floor replaced by `part` ("3单元"), or None when
    `part` is not such a part or the address has none of that kind."""
    part = part.strip(_EDGE)
    for pattern in _ADDRESS_PARTS:
        if pattern.fullmatch(part):
            if pattern.search(address):
                return pattern.sub(part, address, count=1)
            return None
    return None


def place_text(text: str) -> str:
    """A typed place without the words that introduce it ("应该在…", "在…")."""
    text = text.strip(_EDGE)
    for word in _LEADING_PLACE_WORDS:
        if text.startswith(word) and len(text) > len(word) + 1:
            return text[len(word) :]
    return text
