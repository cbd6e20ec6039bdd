"""The catalogue of problem categories: stable API codes, groups and baseline 1341 severity.

Categories are the canonical `problem_types` of `bot/data/vocabulary.yml`; this table adds
what the vocabulary does not carry. A category missing here still works (code = its name,
group 其他, severity ordinary), and a test keeps the two files in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.tickets import Severity

OTHER = "其他"


@dataclass(frozen=True)
class Category:
    name: str  # canonical problem type, e.g. 飞线充电
    code: str  # ASCII service_code for Open311 clients; never changes once published
    group: str  # Open311 `group`
    severity: Severity  # baseline before the text is read (see severity.py)


_S = Severity
_TABLE: tuple[Category, ...] = (
    # The 11 high-frequency violations in residential compounds (池州) come first.
    # 飞线充电 is a fire risk, but usually a standing violation a grid worker stops within
    # 30 minutes: ordinary, raised to urgent when the text mentions smoke, sparks or fire.
    Category("飞线充电", "flying-wire-charging", "安全隐患", _S.ORDINARY),
    Category("毁绿种菜", "green-space-farming", "市容环境", _S.COMPLEX),
    Category("高空抛物", "objects-thrown-from-height", "安全隐患", _S.ORDINARY),
    Category("违章搭建", "illegal-construction", "违法建设", _S.MAJOR),
    Category("乱堆乱放", "clutter", "市容环境", _S.ORDINARY),
    Category("占道经营", "street-vending", "市容环境", _S.ORDINARY),
    Category("噪音扰民", "noise", "邻里秩序", _S.ORDINARY),
    Category("消防通道占用", "blocked-fire-lane", "安全隐患", _S.ORDINARY),
    Category("违规停车", "illegal-parking", "邻里秩序", _S.ORDINARY),
    Category("不文明养犬", "dog-nuisance", "邻里秩序", _S.ORDINARY),
    Category("乱贴小广告", "illegal-posters", "市容环境", _S.ORDINARY),
    # Facilities and utilities.
    # 电梯故障 needs the maintenance company: complex; 困人 makes it urgent (severity.py).
    Category("电梯故障", "elevator-fault", "公共设施", _S.COMPLEX),
    # An open manhole can swallow a child: someone must fence it off within 10 minutes.
    Category("井盖缺失", "missing-manhole-cover", "安全隐患", _S.URGENT),
    Category("路灯损坏", "broken-street-light", "公共设施", _S.COMPLEX),
    Category("设施损坏", "damaged-facility", "公共设施", _S.COMPLEX),
    Category("漏水", "water-leak", "公共设施", _S.ORDINARY),
    Category("下水道堵塞", "blocked-drain", "公共设施", _S.COMPLEX),
    Category("停水停电", "water-or-power-cut", "公共设施", _S.COMPLEX),
    Category("垃圾清运", "rubbish-collection", "市容环境", _S.ORDINARY),
    Category("流浪动物", "stray-animals", "邻里秩序", _S.ORDINARY),
    Category("物业问题", "property-management", "物业服务", _S.COMPLEX),
    Category(OTHER, "other", "其他", _S.ORDINARY),
)
_BY_NAME = {c.name: c for c in _TABLE}
_BY_CODE = {c.code: c for c in _TABLE}


def category(name: str) -> Category:
    """The catalogue entry for a canonical problem type (a plain default if it is new)."""
    return _BY_NAME.get(name) or Category(name, name, OTHER, Severity.ORDINARY)


def category_by_code(code: str) -> Category | None:
    return _BY_CODE.get(code) or _BY_NAME.get(code)


def known_categories() -> tuple[Category, ...]:
    return _TABLE
