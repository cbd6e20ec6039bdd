"""Routing a report to the responsible community-level site and its grid."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.sites import Place
from bot.tickets.routing import locate_address, route_report
from tests.tickets.builders import HESHUN, add_site

# About 1 km east of 和顺 (0.0104° of longitude at 31°N).
EAST = (HESHUN[0], HESHUN[1] + 0.0104)


def test_nearest_community_level_site_gives_grid_and_community(db_session: Session) -> None:
    near = add_site(db_session)
    add_site(db_session, name="城东社区党群服务站", lat=EAST[0], lon=EAST[1],
             grid="第二网格", community="城东社区")  # fmt: skip
    route = route_report(session=db_session, lat=HESHUN[0] + 0.0005, lon=HESHUN[1])
    assert (route.site_id, route.grid, route.community) == (near.id, "第一网格", "和顺社区")
    assert route.routed and route.distance_m is not None and route.distance_m < 100


def test_a_closer_post_without_grid_does_not_take_the_ticket(db_session: Session) -> None:
    station = add_site(db_session, lat=EAST[0], lon=EAST[1])
    add_site(db_session, name="暖新驿站", kind="暖新驿站", level=None, grid=None,
             lat=HESHUN[0], lon=HESHUN[1])  # fmt: skip
    route = route_report(session=db_session, lat=HESHUN[0], lon=HESHUN[1])
    assert route.site_id == station.id and route.grid == "第一网格"


def test_far_away_report_stays_for_staff_to_assign(db_session: Session) -> None:
    add_site(db_session)
    route = route_report(session=db_session, lat=HESHUN[0] + 0.2, lon=HESHUN[1])
    assert not route.routed and route.grid is None


def test_site_named_as_the_place_is_routed_from_its_position(db_session: Session) -> None:
    station = add_site(db_session)
    post = add_site(db_session, name="先锋驿站", kind="党群驿站", level="小区", grid=None,
                    lat=HESHUN[0] + 0.001, lon=HESHUN[1])  # fmt: skip
    route = route_report(session=db_session, place_site_id=post.id)
    assert route.site_id == station.id


def test_address_is_placed_through_the_gazetteer(db_session: Session) -> None:
    station = add_site(db_session, lat=EAST[0], lon=EAST[1], grid="第二网格")
    db_session.add(Place(name="幸福里小区", kind="landmark", lat=EAST[0] + 0.001, lon=EAST[1]))
    db_session.flush()
    assert locate_address(session=db_session, address="幸福里小区3栋2单元501") == (
        EAST[0] + 0.001, EAST[1],
    )  # fmt: skip
    route = route_report(session=db_session, address="幸福里小区3栋2单元501")
    assert route.site_id == station.id and route.grid == "第二网格"


def test_unknown_address_and_no_location_give_no_route(db_session: Session) -> None:
    add_site(db_session)
    assert not route_report(session=db_session, address="火星基地").routed
    assert not route_report(session=db_session).routed
