"""Sites in the console (admin): edits go through the registry's validators; a bad import
changes nothing and lists every problem; exports."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.sites import Site
from bot.sites.registry import record_of
from tests.console.conftest import Login
from tests.tickets.builders import add_site


@pytest.fixture
def site_id(factory: sessionmaker[Session]) -> int:
    with factory.begin() as session:
        return add_site(session).id


def _record(factory: sessionmaker[Session], site_id: int) -> object:
    with factory() as session:
        site = session.get(Site, site_id)
        assert site is not None
        return record_of(site)


def test_admin_edits_hours_and_services(
    login: Login, site_id: int, factory: sessionmaker[Session]
) -> None:
    admin, csrf = login("admin")
    assert "和顺社区党群服务站" in admin.get("/console/sites", params={"q": "和顺"}).text
    response = admin.post(
        f"/console/sites/{site_id}",
        data={
            "csrf_token": csrf,
            "hours": "周一至周五 08:30-12:00,14:00-21:00; 周六 09:00-17:00; 周日 休息",
            "holiday": "closed",
            "services": "法律援助、图书阅览",
        },
    )
    assert response.status_code == 200 and "站点信息已保存" in response.text
    record = _record(factory, site_id)
    assert record.hours is not None  # type: ignore[attr-defined]
    assert set(record.services) == {"法律援助", "图书阅览"}  # type: ignore[attr-defined]


def test_bad_hours_or_services_are_listed_and_nothing_changes(
    login: Login, site_id: int, factory: sessionmaker[Session]
) -> None:
    admin, csrf = login("admin")
    before = _record(factory, site_id)
    response = admin.post(
        f"/console/sites/{site_id}",
        data={"csrf_token": csrf, "hours": "周八 25:00-26:00", "holiday": "closed",
              "services": "造火箭"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "开放时间" in response.text and "服务" in response.text and "造火箭" in response.text
    assert _record(factory, site_id) == before


def test_import_rejects_a_bad_file_whole_and_takes_a_good_one(
    login: Login, factory: sessionmaker[Session]
) -> None:
    admin, csrf = login("admin")
    header = "name,kind,address,lat,lon,crs,phone,services\n"
    bad = (
        header
        + "好站,党群服务站,某路1号,30.9,118.3,WGS-84,,图书阅览\n坏站,不存在的类型,某路2号,999,0,WGS-84,,图书阅览\n"
    )
    response = admin.post(
        "/console/sites/import",
        data={"csrf_token": csrf},
        files={"file": ("sites.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 400 and "没有任何改动" in response.text
    assert "row 3" in response.text
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Site)) == 0
    good = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [118.3347, 30.9197]},
                "properties": {"name": "新站", "kind": "党群服务站", "address": "和顺路8号",
                               "services": ["图书阅览"], "phone": ""},
            }
        ],
    }  # fmt: skip
    ok = admin.post(
        "/console/sites/import",
        data={"csrf_token": csrf},
        files={"file": ("new.geojson", json.dumps(good).encode(), "application/geo+json")},
    )
    assert ok.status_code == 200 and "站点文件已导入" in ok.text
    exported = admin.get("/console/sites/export.geojson")
    assert exported.status_code == 200 and "新站" in exported.text
    assert "新站" in admin.get("/console/sites/export.csv").text


def test_sites_are_for_admins_only(login: Login, site_id: int) -> None:
    for name in ("wang", "trainer"):
        client, csrf = login(name)
        assert client.get("/console/sites").status_code == 403
        assert client.get("/console/sites/export.csv").status_code == 403
        denied = client.post(
            f"/console/sites/{site_id}", data={"csrf_token": csrf, "hours": "", "services": ""}
        )
        assert denied.status_code == 403


def test_unknown_site_and_import_without_csrf(login: Login) -> None:
    admin, _ = login("admin")
    assert admin.get("/console/sites/999999").status_code == 404
    response = admin.post("/console/sites/import", files={"file": ("x.csv", b"name\n", "text/csv")})
    assert response.status_code == 403


def test_an_oversized_upload_is_refused_in_chinese(login: Login) -> None:
    admin, csrf = login("admin")
    response = admin.post(
        "/console/sites/import",
        data={"csrf_token": csrf},
        files={"file": ("big.csv", b"x" * (70 * 1024), "text/csv")},
    )
    assert response.status_code == 413 and "jiamenkou sites import" in response.text
