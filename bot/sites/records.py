"""A site as read from or written to a file (`SiteRecord`), and the checks every field passes.

Both file formats turn each row or feature into a mapping of raw field values; `RecordReader`
checks them the same way, collecting every problem instead of stopping at the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import phonenumbers

from bot.sites.coords import Crs, in_china, parse_crs, to_wgs84
from bot.sites.hours import (
    HolidayPolicy,
    HoursFormatError,
    WeeklyHours,
    parse_holiday_policy,
    parse_hours,
)
from bot.vocabulary import Vocabulary

# Kinds of site; vocabulary.yml `site_kinds` adds synonyms. 长者食堂 is also a service there,
# and a phrase may have one meaning only in that file, so the kind is listed here.
SITE_KINDS = ("党群服务中心", "党群服务站", "党群驿站", "暖新驿站", "老人助餐点", "长者食堂")
LEVELS = ("县", "镇·街道", "社区", "小区")
_LEVEL_ALIASES = {level: level for level in LEVELS} | {
    "县级": "县", "区": "县", "区县": "县", "县区": "县",
    "镇": "镇·街道", "街道": "镇·街道", "镇街": "镇·街道", "镇/街道": "镇·街道", "乡镇": "镇·街道",
    "社区级": "社区", "村": "社区", "小区级": "小区", "网格": "小区",
}  # fmt: skip
SERVICE_SEPARATORS = "|、,，"
_TRUE = {"true", "1", "yes", "是"}
_Bad = Callable[[str, str], None]  # reports a problem with one field
# Stands for lat/lon when the file format already reported the coordinates as unreadable.
UNREADABLE = "<unreadable>"
_FALSE = {"false", "0", "no", "否", ""}


@dataclass(frozen=True)
class SiteRecord:
    key: str
    name: str
    kind: str
    address: str
    lat: float  # WGS-84
    lon: float
    services: tuple[str, ...]
    phone: str | None = None
    level: str | None = None
    street: str | None = None
    community: str | None = None
    grid: str | None = None
    hours: WeeklyHours | None = None
    holiday: HolidayPolicy = HolidayPolicy.CLOSED
    accessibility: str | None = None
    sample: bool = False


@dataclass(frozen=True)
class Problem:
    where: str  # "row 3", "feature 2" or "file"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.field}: {self.message}"


def site_key(name: str, address: str) -> str:
    return f"{name}@{address}"


@dataclass
class RecordReader:
    """Turns raw field mappings into `SiteRecord`s; `default_crs` applies where none is given."""

    vocabulary: Vocabulary
    default_crs: Crs | None = Crs.WGS84
    problems: list[Problem] = field(default_factory=list)
    _keys: dict[str, str] = field(default_factory=dict)

    def read(self, raw: Mapping[str, object], where: str) -> SiteRecord | None:
        start = len(self.problems)

        def bad(name: str, message: str) -> None:
            self.problems.append(Problem(where, name, message))

        name = _text(raw.get("name"))
        address = _text(raw.get("address"))
        if not name:
            bad("name", "missing")
        if not address:
            bad("address", "missing")
        kind = self._kind(_text(raw.get("kind")), bad)
        level = _text(raw.get("level"))
        if level and level not in _LEVEL_ALIASES:
            bad("level", f"'{level}' is not one of {', '.join(LEVELS)}")
        point = self._point(raw, bad)
        services = self._services(raw, bad)
        phone = self._phone(raw, bad)
        hours = _parse_optional_hours(_text(raw.get("hours")), bad)
        holiday_text = _text(raw.get("holiday"))
        holiday = parse_holiday_policy(holiday_text) if holiday_text else HolidayPolicy.CLOSED
        if holiday is None:
            bad("holiday", f"'{holiday_text}' is not one of closed, open, weekend")
        sample = _bool(raw.get("sample"))
        if sample is None:
            bad("sample", f"'{raw.get('sample')}' is not true or false")
        key = _text(raw.get("id")) or site_key(name, address)
        if key in self._keys:
            bad("id", f"duplicate site '{key}' (first at {self._keys[key]})")
        self._keys.setdefault(key, where)
        if len(self.problems) > start or point is None or holiday is None or sample is None:
            return None
        return SiteRecord(
            key=key, name=name, kind=kind, address=address, lat=point[0], lon=point[1],
            services=services, phone=phone, level=_LEVEL_ALIASES[level] if level else None,
            street=_text(raw.get("street")) or None, community=_text(raw.get("community")) or None,
            grid=_text(raw.get("grid")) or None, hours=hours, holiday=holiday,
            accessibility=_text(raw.get("accessibility")) or None, sample=sample,
        )  # fmt: skip

    def _kind(self, text: str, bad: _Bad) -> str:
        if not text:
            bad("kind", "missing")
            return ""
        for canonical, synonyms in self.vocabulary.site_kinds.items():
            if text == canonical or text in synonyms:
                return canonical
        if text in SITE_KINDS:
            return text
        bad("kind", f"unknown kind '{text}'; expected one of {', '.join(SITE_KINDS)}")
        return ""

    def _point(self, raw: Mapping[str, object], bad: _Bad) -> tuple[float, float] | None:
        crs_text = _text(raw.get("crs"))
        crs = parse_crs(crs_text) if crs_text else self.default_crs
        if crs is None:
            bad("crs", f"'{crs_text}' is not WGS-84 or GCJ-02" if crs_text else "missing")
        if raw.get("lat") == UNREADABLE:
            return None
        lat, lon = _number(raw.get("lat")), _number(raw.get("lon"))
        if lat is None or lon is None:
            for key, value in (("lat", lat), ("lon", lon)):
                if value is None:
                    bad(key, f"'{raw.get(key, '')}' is not a number")
            return None
        if not in_china(lat, lon):
            hint = "; latitude and longitude look swapped" if in_china(lon, lat) else ""
            bad("coordinates", f"({lat}, {lon}) is not in China{hint}")
            return None
        return to_wgs84(lat, lon, crs) if crs is not None else None

    def _services(self, raw: Mapping[str, object], bad: _Bad) -> tuple[str, ...]:
        value = raw.get("services")
        if value is None:
            bad("services", "missing")
            return ()
        if isinstance(value, str):
            for sep in SERVICE_SEPARATORS:
                value = value.replace(sep, "|")
            phrases = [p.strip() for p in value.split("|") if p.strip()]
        elif isinstance(value, list) and all(isinstance(p, str) for p in value):
            phrases = [p.strip() for p in value if p.strip()]
        else:
            bad("services", "must be a list of service names")
            return ()
        names: set[str] = set()
        for phrase in phrases:
            canonical = self.vocabulary.canonical_service(phrase)
            if canonical is None:
                bad("services", f"unknown service '{phrase}'")
            else:
                names.add(canonical)
        return tuple(sorted(names))

    def _phone(self, raw: Mapping[str, object], bad: _Bad) -> str | None:
        if "phone" not in raw:
            bad("phone", "missing (leave it empty if the site has no phone)")
            return None
        phone = _text(raw.get("phone"))
        if not phone:
            return None
        try:
            possible = phonenumbers.is_possible_number(phonenumbers.parse(phone, "CN"))
        except phonenumbers.NumberParseException:
            possible = False
        if not possible:
            bad("phone", f"'{phone}' is not a phone number")
        return phone


def _parse_optional_hours(text: str, bad: _Bad) -> WeeklyHours | None:
    if not text:
        return None
    try:
        return parse_hours(text)
    except HoursFormatError as exc:
        bad("hours", str(exc))
        return None


def _text(value: object) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None
