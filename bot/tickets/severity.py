"""Severity proposed from a report's category and words, and emergencies that need 110/119/120.

The proposal is only a start: staff change it (lifecycle.change_severity). Keyword matching
is deliberately simple and errs towards the more severe reading: a wrongly urgent ticket
costs a grid worker a walk, a wrongly ordinary one can cost a life.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.tickets import Severity
from bot.tickets.categories import category

# Words that make any report urgent (someone at risk right now).
_FIRE = ("着火", "起火", "失火", "火灾", "冒烟", "烧起来", "火苗", "明火", "火花", "打火")
_GAS = ("燃气泄漏", "煤气泄漏", "燃气泄露", "煤气泄露", "漏气", "煤气味", "燃气味", "天然气味")
_TRAPPED = ("困人", "被困", "困在", "关在电梯", "卡在电梯", "出不来")
_INJURY = ("受伤", "流血", "砸伤", "砸到人", "咬伤", "狗咬人", "晕倒", "昏迷", "触电")
_VIOLENCE = ("打架", "斗殴", "持刀", "抢劫", "偷窃", "小偷", "家暴")
_FLOOD = ("爆管", "水管爆了", "跑水", "淹了", "倒灌")
# Words that make a report major: many households or a whole building affected.
_WIDESPREAD = ("整栋", "整幢", "整个小区", "全小区", "整条街", "大面积", "好几栋", "上百户")


@dataclass(frozen=True)
class Emergency:
    """A situation for the emergency services; `hotlines` in the order to call them."""

    kind: str  # fire, gas, trapped, injury, violence
    hotlines: tuple[str, ...]


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def detect_emergency(category_name: str | None, text: str) -> Emergency | None:
    """The emergency a report describes, if any (the conversation then points to 110/119/120)."""
    text = text or ""
    if _mentions(text, _GAS):
        return Emergency("gas", ("119",))  # fire brigade first; the gas company follows
    if _mentions(text, _FIRE) or (category_name == "飞线充电" and "烧" in text):
        return Emergency("fire", ("119",))
    if _mentions(text, _TRAPPED) and (category_name == "电梯故障" or "电梯" in text):
        return Emergency("trapped", ("119",))
    if _mentions(text, _INJURY):
        return Emergency("injury", ("120",))
    if _mentions(text, _VIOLENCE):
        return Emergency("violence", ("110",))
    return None


def is_emergency(category_name: str | None, text: str) -> bool:
    """True for 电梯困人, fire, gas leaks, injuries and violence: call 110/119/120 first."""
    return detect_emergency(category_name, text) is not None


def propose_severity(category_name: str, text: str = "") -> Severity:
    """The 1341 severity a new report starts with."""
    text = text or ""
    if is_emergency(category_name, text) or _mentions(text, _FLOOD):
        return Severity.URGENT
    if category_name == "高空抛物" and _mentions(text, ("砸", "伤")):
        return Severity.URGENT
    if _mentions(text, _WIDESPREAD):
        return Severity.MAJOR
    return category(category_name).severity
