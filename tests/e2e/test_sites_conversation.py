"""Finding the nearest site in a conversation, through the real engine and action server."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from bot import china_time
from bot.db.sites import Site
from bot.engine.processes import StackConfig
from bot.templates import site_phrases

pytestmark = pytest.mark.engine


@pytest.fixture
def http(engine_stack: StackConfig) -> Iterator[httpx.Client]:
    # The REST channel answers only holders of the engine token (the bridges).
    bearer = {"Authorization": f"Bearer {engine_stack.token}"}
    with httpx.Client(base_url=engine_stack.engine_url, timeout=60, headers=bearer) as client:
        yield client


@pytest.fixture
def sites(e2e_database_url: str) -> list[Site]:
    engine = create_engine(e2e_database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(Site).options(selectinload(Site.services))))
        session.expunge_all()
    engine.dispose()
    return found


def say(http: httpx.Client, who: str, text: str) -> str:
    response = http.post("/webhooks/rest/webhook", json={"sender": who, "message": text})
    assert response.status_code == 200
    return "\n".join(str(m.get("text") or "") for m in response.json())


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Brute-force oracle, independent of the registry's own spatial index.
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def location_payload(lat: float, lon: float) -> str:
    return "/share_location" + json.dumps({"latitude": lat, "longitude": lon})


def test_a_shared_location_after_the_question_gives_the_nearest_site(
    http: httpx.Client, sites: list[Site]
) -> None:
    who = f"test-{uuid.uuid4().hex[:10]}"
    target = sites[len(sites) // 2]
    lat, lon = target.lat + 0.0004, target.lon + 0.0003  # about 50 m away
    nearest = min(sites, key=lambda s: distance_m(lat, lon, s.lat, s.lon))

    asked = say(http, who, "附近有没有党群服务站")
    assert "位置" in asked  # no location yet: the assistant asks for one
    answer = say(http, who, location_payload(lat, lon))
    assert "步行" in answer
    first_card = answer.split("📍")[1]
    assert first_card.startswith(nearest.name)
    assert "uri.amap.com" in first_card


def test_a_service_in_the_question_narrows_the_search(
    http: httpx.Client, sites: list[Site]
) -> None:
    who = f"test-{uuid.uuid4().hex[:10]}"
    chargers = [s for s in sites if "电动车充电" in {sv.name for sv in s.services}]
    assert chargers, "the sample registry must have e-bike charging sites"
    target = chargers[0]
    lat, lon = target.lat - 0.0003, target.lon
    expected = min(chargers, key=lambda s: distance_m(lat, lon, s.lat, s.lon))

    say(http, who, "哪里能给电瓶车充电")
    answer = say(http, who, location_payload(lat, lon))
    assert "电动车充电" in answer
    assert answer.split("📍")[1].startswith(expected.name)


def test_opening_hours_of_the_last_site_discussed(http: httpx.Client, sites: list[Site]) -> None:
    who = f"test-{uuid.uuid4().hex[:10]}"
    target = sites[0]
    say(http, who, "附近的服务站在哪")
    answer = say(http, who, location_payload(target.lat, target.lon))
    shown = answer.split("📍")[1].split("\n")[0]
    hours = say(http, who, "那它几点关门")
    assert hours.startswith(shown)
    # The question asked (a closing time), not the weekly table.
    assert "开放时间" not in hours
    assert re.search(r"\d\d:\d\d|全天|暂停开放", hours)


def offers(site: Site, *names: str) -> bool:
    return set(names) <= {service.name for service in site.services}


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def cards(answer: str) -> list[str]:
    return answer.split("📍")[1:]


# Defect 6: a service reads as Chinese in every reply ("提供法律援助的站点", not "可以法律援助的").
@pytest.mark.parametrize(
    ("question", "service", "phrase"),
    [
        ("附近哪儿能找律师咨询", "法律援助", "提供法律援助"),
        ("走累了，附近哪能歇歇脚", "休息", "能歇脚"),
        ("附近有没有老年食堂", "长者食堂", "有长者食堂"),
        ("手机快没电了，哪里能充手机", "手机充电", "能给手机充电"),
    ],
)
def test_replies_about_a_service_read_naturally(
    http: httpx.Client, sites: list[Site], question: str, service: str, phrase: str
) -> None:
    who = new_sender()
    target = next(s for s in sites if offers(s, service))
    asked = say(http, who, question)
    assert f"帮您找{phrase}的地方" in asked
    answer = say(http, who, location_payload(target.lat, target.lon))
    header = answer.split("\n")[0]
    assert f"个{phrase}的站点" in header
    assert cards(answer)[0].startswith(target.name)


@pytest.mark.parametrize("question", ["附近有服务站吗", "我想找个离我近的站点"])
def test_replies_without_a_service_read_naturally(
    http: httpx.Client, sites: list[Site], question: str
) -> None:
    who = new_sender()
    say(http, who, question)
    answer = say(http, who, location_payload(sites[0].lat, sites[0].lon))
    assert re.match(r"步行15分钟内有\d个服务站点（由近到远）：", answer)


# Defect 8: several services in one message.
@pytest.mark.parametrize(
    "question",
    [
        "哪儿能接杯水顺便给手机充个电",
        "有没有能喝口水又能充手机的驿站",
        "找个可以打水还可以充手机的地方",
    ],
)
def test_sites_offering_every_service_asked_come_first(
    http: httpx.Client, sites: list[Site], question: str
) -> None:
    who = new_sender()
    target = next(s for s in sites if offers(s, "饮水", "手机充电"))
    assert "能喝水、能给手机充电的地方" in say(http, who, question)
    answer = say(http, who, location_payload(target.lat, target.lon))
    assert "能喝水、能给手机充电的站点" in answer.split("\n")[0]
    by_name = {s.name: s for s in sites}
    first = cards(answer)[0].split("\n")[0]
    assert offers(by_name[first], "饮水", "手机充电")


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("哪里能上厕所还能找律师", ("卫生间", "法律援助")),
        ("附近能热饭又能量血压的地方", ("微波炉", "健康检测")),
    ],
)
def test_partial_matches_are_said_to_be_partial(
    http: httpx.Client, sites: list[Site], question: str, wanted: tuple[str, str]
) -> None:
    def alone(site: Site) -> bool:
        # Offers one of them, and nothing within a walk offers both.
        return any(offers(site, w) for w in wanted) and not any(
            offers(o, *wanted) and distance_m(site.lat, site.lon, o.lat, o.lon) <= 1300
            for o in sites
        )

    target = next(s for s in sites if alone(s))
    who = new_sender()
    say(http, who, question)
    answer = say(http, who, location_payload(target.lat, target.lon))
    assert answer.startswith("没有同时提供这几项服务的站点，下面这些能满足其中一部分：")
    assert cards(answer)


# Defect 7: a site by name, then questions about it.
NAMED = ["春谷社区党群服务中心", "陵阳路暖新驿站", "城东社区第二网格先锋驿站"]


@pytest.mark.parametrize("wording", ["{}在哪里呀", "请问去{}怎么走", "{}具体在什么位置"])
@pytest.mark.parametrize("name", NAMED)
def test_a_site_asked_for_by_name_is_answered_first(
    http: httpx.Client, sites: list[Site], wording: str, name: str
) -> None:
    site = next(s for s in sites if s.name == name)
    answer = say(http, new_sender(), wording.format(name))
    [card] = cards(answer)  # that site alone, not the three nearest to it
    assert card.startswith(name)
    assert f"地址：{site.address}" in card and "电话：" in card
    assert re.search("正在开放|已关门|暂停开放|请电话确认", card)


def named_context(http: httpx.Client, name: str) -> str:
    who = new_sender()
    assert cards(say(http, who, f"{name}在哪里呀"))[0].startswith(name)
    return who


def next_day_label(weekday: int) -> str:
    today = china_time.today()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    return site_phrases.day_label(day, today)


@pytest.mark.parametrize("question", ["那晚上开到几点呀", "它几点下班", "今天营业到几点"])
def test_a_closing_time_question_gets_a_time_not_the_weekly_table(
    http: httpx.Client, question: str
) -> None:
    who = named_context(http, NAMED[0])
    answer = say(http, who, question)
    assert NAMED[0] in answer and "开放时间：" not in answer
    assert re.search(r"\d\d:\d\d", answer) or "全天" in answer


@pytest.mark.parametrize(
    ("question", "weekday"), [("星期天那边开门吗", 6), ("礼拜六开不开门", 5), ("周日有人上班没", 6)]
)
def test_a_day_question_gets_yes_or_no_with_that_days_hours(
    http: httpx.Client, question: str, weekday: int
) -> None:
    who = named_context(http, NAMED[0])
    answer = say(http, who, question)
    assert NAMED[0] in answer and "开放时间：" not in answer
    assert next_day_label(weekday) in answer
    assert re.search(r"不开门|开门，时间是", answer)


@pytest.mark.parametrize(
    ("question", "holiday"),
    [("国庆节那几天开门不", "国庆节"), ("十一长假开不开", "国庆节"), ("过年那阵子开门吗", "春节")],
)
def test_a_holiday_question_gets_the_holiday_rule(
    http: httpx.Client, question: str, holiday: str
) -> None:
    who = named_context(http, NAMED[0])
    answer = say(http, who, question)
    assert NAMED[0] in answer and holiday in answer and "开放时间：" not in answer
    assert "法定节假日" in answer
