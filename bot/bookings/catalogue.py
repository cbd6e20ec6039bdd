"""Which services take bookings, and the slot length, capacity and what to bring by default.

A site offering one of these services (in the registry) takes bookings for it; the first
booking creates the site's `BookingOffer` row from these defaults, which staff may then tune
per site. The services are the 预约式 services of the seed reports.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfferDefaults:
    slot_minutes: int
    capacity: int
    per_person: bool  # capacity counts people (a group of 3 takes 3 places), not bookings
    bring: str
    home: bool = False  # 上门: staff come to the resident's address
    fair: bool = False  # the monthly fair (bot/bookings/fair.py): one session on fair days


DEFAULTS: dict[str, OfferDefaults] = {
    "法律援助": OfferDefaults(30, 1, False, "身份证，与事情有关的合同、票据、照片等材料"),
    "健康检测": OfferDefaults(20, 5, True, "身份证或医保卡，以前的病历和正在吃的药"),
    "代办": OfferDefaults(30, 2, False, "身份证、户口本，以及要办事项的材料"),
    "政务办理": OfferDefaults(20, 3, False, "身份证、户口本，以及要办事项的材料"),
    "调解": OfferDefaults(60, 1, False, "身份证，与纠纷有关的材料"),
    "心理关爱": OfferDefaults(60, 1, False, "不用带东西，按时到就好"),
    "四点半课堂": OfferDefaults(90, 20, True, "孩子的作业和文具"),
    "日间照料": OfferDefaults(240, 10, True, "老人的身份证、常用药和替换衣物"),
    "家政服务": OfferDefaults(120, 2, False, "在家等候即可", home=True),
    "便民服务大集": OfferDefaults(
        150, 200, True, "身份证；想咨询的事可以先写在纸上，要办的事带上材料", fair=True
    ),
}


def bookable_services() -> tuple[str, ...]:
    return tuple(DEFAULTS)


def defaults_for(service: str) -> OfferDefaults | None:
    return DEFAULTS.get(service)
