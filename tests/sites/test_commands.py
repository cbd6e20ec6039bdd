"""`jiamenkou sites …` through `bot.cli.main`: output, exit codes and the database they leave."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.sites.geojson_io import dump_geojson
from tests.sites.factories import NANLING, make_record

HESHUN = ("--lat", "30.9220", "--lon", "118.3375")  # by 和顺社区 in the sample registry


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database with the sample registry, loaded once through the command itself."""
    home = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(home)
        patch.setenv("DATABASE_URL", f"sqlite:///{home / 'sample.db'}")
        assert main(["sites", "load-sample"]) == 0
        yield home


@pytest.fixture
def use_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_db)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{sample_db / 'sample.db'}")


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    return tmp_path


def nearest_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["sites", "nearest", *HESHUN, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_load_sample_again_changes_nothing(
    use_sample: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sites", "load-sample"]) == 0
    out = capsys.readouterr().out
    assert "sample data" in out and " 0 created, 0 updated," in out and "0 places changed" in out


def test_nearest_json_lists_sites_nearest_first_with_the_agreed_fields(
    use_sample: None, capsys: pytest.CaptureFixture[str]
) -> None:
    items = nearest_json(capsys, "--at", "2026-11-23T10:00", "--limit", "5")
    assert len(items) == 5
    distances = [item["distance_m"] for item in items]
    assert distances == sorted(distances)  # type: ignore[type-var]
    for key in ("name", "kind", "address", "phone", "lat", "lon", "distance_m", "walk_minutes",
                "open_now", "closes_at", "opens_at", "services"):  # fmt: skip
        assert key in items[0]
    assert items[0]["name"] == "和顺社区党群服务中心"
    assert items[0]["open_now"] is True and items[0]["closes_at"] == "2026-11-23T12:00:00+08:00"


def test_nearest_with_a_service_synonym_returns_only_sites_offering_it(
    use_sample: None, capsys: pytest.CaptureFixture[str]
) -> None:
    items = nearest_json(capsys, "--service", "喝水", "--limit", "10")
    assert items and all(item["services"] == ["饮水"] for item in items)


def test_nearest_on_national_day_shows_sites_closed_on_holidays_closed(
    use_sample: None, capsys: pytest.CaptureFixture[str]
) -> None:
    items = nearest_json(capsys, "--at", "2026-10-01T10:00", "--limit", "20")
    closed_on_holidays = [item for item in items if item["holiday"] == "closed"]
    assert closed_on_holidays
    for item in closed_on_holidays:
        assert item["open_now"] is False
        assert str(item["opens_at"]).startswith("2026-10-08T")


def test_nearest_open_now_only_after_21h(
    use_sample: None, capsys: pytest.CaptureFixture[str]
) -> None:
    items = nearest_json(capsys, "--at", "2026-11-23T21:30", "--open-now", "--limit", "10")
    assert all(item["open_now"] is True for item in items)


def test_nearest_plain_output_is_a_table(
    use_sample: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sites", "nearest", *HESHUN, "--limit", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "和顺社区党群服务中心" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "剪头发"], "jiamenkou: unknown service '剪头发'; known services: "),
        (["--at", "国庆节"], "jiamenkou: --at '国庆节' is not an ISO-8601 time"),
        (["--limit", "0"], "jiamenkou: --limit must be at least 1"),
    ],
)
def test_bad_nearest_arguments_give_one_clear_line(
    use_sample: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    capsys.readouterr()
    assert main(["sites", "nearest", *HESHUN, *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(message) and "\n" not in err


def test_nearest_outside_china_is_refused(
    fresh_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sites", "nearest", "--lat", "48.85", "--lon", "2.29"]) == 2
    assert "not a point in China" in capsys.readouterr().err


def test_import_of_a_bad_csv_lists_every_problem_and_imports_nothing(
    fresh_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = fresh_db / "bad.csv"
    bad.write_text(
        "name,kind,address,lat,lon,crs,phone,services\n"
        f"甲驿站,党群驿站,某路1号,{NANLING[0]},{NANLING[1]},WGS-84,,饮水\n"
        f",党群驿站,某路2号,{NANLING[0]},{NANLING[1]},WGS-84,,剪头发\n"
        f"丙驿站,党群驿站,某路3号,abc,{NANLING[1]},WGS-84,,饮水\n",
        encoding="utf-8",
    )
    assert main(["sites", "import", str(bad)]) == 8
    err = capsys.readouterr().err
    assert "row 3, name: missing" in err and "row 3, services: unknown service '剪头发'" in err
    assert "row 4, lat: 'abc' is not a number" in err
    assert main(["sites", "export", str(fresh_db / "out.geojson")]) == 0
    assert json.loads((fresh_db / "out.geojson").read_text(encoding="utf-8"))["features"] == []


def test_import_export_reimport_round_trip(
    fresh_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = fresh_db / "in.geojson"
    source.write_text(
        dump_geojson([make_record(), make_record(key="k2", name="乙")]), encoding="utf-8"
    )
    assert main(["sites", "import", str(source)]) == 0
    assert "2 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert main(["sites", "export", str(fresh_db / "out.csv")]) == 0
    assert main(["sites", "import", str(fresh_db / "out.csv")]) == 0
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_import_of_an_unsupported_file_type_fails(
    fresh_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fresh_db / "sites.xlsx").write_bytes(b"")
    assert main(["sites", "import", str(fresh_db / "sites.xlsx")]) == 8
    assert "expected a file ending in .geojson" in capsys.readouterr().err
