"""find_site_by_name over the sample registry, with loosely typed names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.sites.lookup import find_site_by_name, named_site
from bot.sites.sample import load_sample
from tests.sites.factories import vocabulary


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The sample registry, loaded once for the module: these tests only read."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('lookup') / 'sample.db'}")
    upgrade_to_head(engine)
    with make_session_factory(engine).begin() as session:
        load_sample(session=session, vocabulary=vocabulary())
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("和顺社区党群服务中心", "和顺社区党群服务中心"),
        ("和顺社区的服务站", "和顺社区党群服务中心"),
        ("和顺社区服务中心", "和顺社区党群服务中心"),
        ("和顺社区党群服务中心在哪里？", "和顺社区党群服务中心"),
        ("城西社区党群中心", "城西社区党群服务中心"),
        ("南陵县党群服务中心", "南陵县党群服务中心"),
        ("德安家园的服务站", "德安家园党群服务站"),
        ("长城东街社区第一网格的驿站", "长城东街社区第一网格先锋驿站"),
    ],
)
def test_find_site_by_name_tolerates_loose_names(sample: Session, typed: str, name: str) -> None:
    site = find_site_by_name(session=sample, text=typed)
    assert site is not None and site.name == name


def test_canteen_words_find_the_communitys_canteen(sample: Session) -> None:
    site = find_site_by_name(session=sample, text="和顺社区的食堂")
    assert site is not None
    assert site.community == "和顺社区" and site.kind in ("长者食堂", "老人助餐点")


@pytest.mark.parametrize("typed", ["火星基地", "", "随便什么地方", "某某社区服务站"])
def test_find_site_by_name_returns_none_when_nothing_is_close(sample: Session, typed: str) -> None:
    assert find_site_by_name(session=sample, text=typed) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("和顺社区党群服务中心在哪里呀？", "和顺社区党群服务中心"),
        ("请问城西社区党群服务中心地址是多少", "城西社区党群服务中心"),
        ("去和平社区服务站怎么走", "和平社区党群服务中心"),
        ("籍山路暖新驿站在哪", "籍山路暖新驿站"),
        ("和顺社区第二网格先锋驿站在什么位置", "和顺社区第二网格先锋驿站"),
        ("籍山社区老人助餐点怎么去", "籍山社区老人助餐点"),
    ],
)
def test_a_where_is_question_names_one_site(sample: Session, text: str, name: str) -> None:
    site = named_site(session=sample, text=text)
    assert site is not None and site.name == name


@pytest.mark.parametrize(
    "text",
    [
        "最近的党群服务中心在哪",  # nearest, not a name
        "社区服务中心在哪",  # a kind of site, no place
        "中山公园附近有党群驿站吗",  # around a place
        "渭滨街道有几个党群驿站",
        "城南社区有党群服务站吗",
        "和顺社区哪里能喝水",  # a service, no kind of site
    ],
)
def test_questions_about_sites_around_a_place_name_no_site(sample: Session, text: str) -> None:
    assert named_site(session=sample, text=text) is None


@pytest.mark.parametrize("text", ["请问去陵阳路暖新驿站怎么走", "陵阳路暖新驿站具体在什么位置"])
def test_a_full_site_name_inside_the_question_is_found(sample: Session, text: str) -> None:
    site = named_site(session=sample, text=text)
    assert site is not None and site.name == "陵阳路暖新驿站"
