"""Severity proposed from category and words; emergencies pointing to 110/119/120."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.db.tickets import Severity
from bot.tickets.categories import OTHER, category, category_by_code, known_categories
from bot.tickets.severity import detect_emergency, is_emergency, propose_severity
from bot.vocabulary import load_vocabulary


@pytest.mark.parametrize(
    ("category_name", "text", "expected"),
    [
        ("电梯故障", "电梯困人了，有老人在里面", Severity.URGENT),
        ("电梯故障", "电梯停了好几天", Severity.COMPLEX),
        ("飞线充电", "楼道里飞线给电瓶车充电", Severity.ORDINARY),
        ("飞线充电", "飞线充电的插座冒烟了", Severity.URGENT),
        ("井盖缺失", "路口井盖没了", Severity.URGENT),
        ("高空抛物", "楼上扔东西下来", Severity.ORDINARY),
        ("高空抛物", "楼上扔花盆砸到车了", Severity.URGENT),
        ("漏水", "楼上水管爆了，家里淹了", Severity.URGENT),
        ("停水停电", "整栋楼停电了", Severity.MAJOR),
        ("违章搭建", "楼顶私自加盖", Severity.MAJOR),
        ("噪音扰民", "半夜施工", Severity.ORDINARY),
        ("垃圾清运", "楼下闻到燃气味", Severity.URGENT),
        ("不文明养犬", "狗咬人了", Severity.URGENT),
        ("其他", "", Severity.ORDINARY),
        ("新出现的问题", "", Severity.ORDINARY),
    ],
)
def test_proposed_severity(category_name: str, text: str, expected: Severity) -> None:
    assert propose_severity(category_name, text) is expected


@pytest.mark.parametrize(
    ("category_name", "text", "hotlines"),
    [
        ("电梯故障", "电梯困人", ("119",)),
        ("其他", "被困在电梯里出不来", ("119",)),
        ("飞线充电", "电线烧起来了", ("119",)),
        ("其他", "楼道里有很重的煤气味", ("119",)),
        ("其他", "厨房燃气泄漏", ("119",)),
        ("高空抛物", "砸伤了一个小孩", ("120",)),
        ("噪音扰民", "楼下有人打架", ("110",)),
    ],
)
def test_emergencies_name_their_hotline(
    category_name: str, text: str, hotlines: tuple[str, ...]
) -> None:
    emergency = detect_emergency(category_name, text)
    assert emergency is not None and emergency.hotlines == hotlines
    assert is_emergency(category_name, text)


@pytest.mark.parametrize(
    ("category_name", "text"),
    [("电梯故障", "电梯停了"), ("飞线充电", "楼道飞线"), ("路灯损坏", "路灯不亮")],
)
def test_everyday_reports_are_not_emergencies(category_name: str, text: str) -> None:
    assert not is_emergency(category_name, text)


def test_catalogue_covers_every_problem_type_of_the_vocabulary() -> None:
    vocabulary = load_vocabulary(Settings().vocabulary_file)
    names = {c.name for c in known_categories()}
    assert set(vocabulary.problem_types) <= names
    codes = [c.code for c in known_categories()]
    assert len(codes) == len(set(codes)) and all(c.isascii() for c in codes)


def test_unknown_category_gets_a_plain_default() -> None:
    entry = category("新出现的问题")
    assert (entry.code, entry.group, entry.severity) == ("新出现的问题", OTHER, Severity.ORDINARY)
    assert category_by_code("flying-wire-charging") == category("飞线充电")
    assert category_by_code("nonsense") is None
