"""Importing and exporting site files against the database: all or nothing, idempotent, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.sites import Site
from bot.sites.errors import SiteImportError, UnsupportedFormat
from bot.sites.geojson_io import dump_geojson
from bot.sites.registry import UpsertSummary, site_records, upsert_sites
from bot.sites.transfer import export_site_file, import_site_file
from tests.sites.factories import make_record, vocabulary


def write_sites(path: Path, count: int = 3) -> Path:
    records = [
        make_record(key=f"NL-{i}", name=f"第{i}党群驿站", kind="党群驿站") for i in range(count)
    ]
    path.write_text(dump_geojson(records), encoding="utf-8")
    return path


def site_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Site)) or 0


def test_import_creates_sites_then_reimport_changes_nothing(
    db_session: Session, tmp_path: Path
) -> None:
    path = write_sites(tmp_path / "sites.geojson")
    first = import_site_file(path, session=db_session, vocabulary=vocabulary())
    before = site_records(session=db_session)
    second = import_site_file(path, session=db_session, vocabulary=vocabulary())
    assert (first, second) == (UpsertSummary(created=3), UpsertSummary(unchanged=3))
    assert site_records(session=db_session) == before


def test_bad_file_imports_nothing_even_if_most_features_are_good(
    db_session: Session, tmp_path: Path
) -> None:
    path = write_sites(tmp_path / "sites.geojson", count=5)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"][3]["properties"]["services"] = ["剪头发"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SiteImportError) as caught:
        import_site_file(path, session=db_session, vocabulary=vocabulary())
    assert [str(p) for p in caught.value.problems] == [
        "feature 4, services: unknown service '剪头发'"
    ]
    assert "nothing was changed" in str(caught.value)
    assert site_count(db_session) == 0


@pytest.mark.parametrize("suffix", [".geojson", ".json", ".csv"])
def test_export_then_import_round_trips(db_session: Session, tmp_path: Path, suffix: str) -> None:
    records = [
        make_record(),
        make_record(key="k2", name="籍山社区长者食堂", kind="长者食堂", hours=None),
    ]
    upsert_sites(session=db_session, records=records)
    path = tmp_path / f"export{suffix}"
    assert export_site_file(path, session=db_session) == 2
    summary = import_site_file(path, session=db_session, vocabulary=vocabulary())
    assert summary == UpsertSummary(unchanged=2)
    assert site_records(session=db_session) == sorted(records, key=lambda r: r.key)


def test_csv_export_starts_with_a_bom_for_excel(db_session: Session, tmp_path: Path) -> None:
    upsert_sites(session=db_session, records=[make_record()])
    export_site_file(tmp_path / "sites.csv", session=db_session)
    assert (tmp_path / "sites.csv").read_bytes().startswith(b"\xef\xbb\xbfid,name")


def test_unknown_extension_is_refused(db_session: Session, tmp_path: Path) -> None:
    (tmp_path / "sites.xlsx").write_bytes(b"")
    with pytest.raises(UnsupportedFormat):
        import_site_file(tmp_path / "sites.xlsx", session=db_session, vocabulary=vocabulary())
    with pytest.raises(UnsupportedFormat):
        export_site_file(tmp_path / "sites.kml", session=db_session)


def test_unreadable_file_is_one_problem(db_session: Session, tmp_path: Path) -> None:
    with pytest.raises(SiteImportError, match="file, read"):
        import_site_file(tmp_path / "missing.csv", session=db_session, vocabulary=vocabulary())
