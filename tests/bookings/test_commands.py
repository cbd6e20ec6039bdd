"""`jiamenkou bookings …` and `jiamenkou dates parse` through the real command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import china_time
from bot.cli import main
from bot.db.migrate import upgrade_to_head
from bot.db.outbox import OutboxMessage
from bot.db.session import make_engine, make_session_factory
from tests.bookings.builders import add_booking, add_site


def next_plain_workday() -> dt.date:
    """A Monday to Friday at least a week ahead that is no holiday (the CLI uses the real clock)."""
    day = china_time.today() + dt.timedelta(days=7)
    while not (day.weekday() < 5 and china_time.is_workday(day)):
        day += dt.timedelta(days=1)
    return day


DAY = next_plain_workday()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no developer .env
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    upgrade_to_head(engine)
    with make_session_factory(engine).begin() as session:
        site = add_site(session)
        now = china_time.now()
        start = china_time.at(DAY, dt.time(14, 0))
        add_booking(session, site, start, now=now)
        add_booking(session, site, china_time.at(DAY, dt.time(9, 0)), user_id="10002", now=now)
    engine.dispose()
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def outbox(url: str) -> list[OutboxMessage]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        found = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    engine.dispose()
    return found


def test_dates_parse_prints_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "dates", "parse", "明天下午三点", "--now", "2026-11-25T10:00", "--json"
    )
    assert code == 0
    assert json.loads(out) == {
        "start": "2026-11-26T15:00:00+08:00",
        "end": "2026-11-26T16:00:00+08:00",
        "grain": "hour",
        "text": "明天下午三点",
    }


def test_dates_parse_reports_an_error_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dates", "parse", "昨天", "--now", "2026-11-25T10:00", "--json")
    assert code != 0 and "error" in json.loads(out)


def test_slots_as_json(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "bookings", "slots", "--site", "和顺社区党群服务站", "--service", "律师",
        "--date", DAY.isoformat(), "--json",
    )  # fmt: skip
    assert code == 0
    slots = json.loads(out)
    assert set(slots[0]) == {"start", "end", "free", "capacity"}
    by_start = {s["start"][11:16]: s for s in slots}
    assert by_start["14:00"]["free"] == 0 and by_start["14:30"]["free"] == 1
    assert "12:00" not in by_start  # lunch break


def test_list_show_and_cancel(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bookings", "list", "--date", DAY.isoformat(), "--json")
    rows = json.loads(out)
    assert code == 0 and [r["number"] for r in rows] == ["YY000002", "YY000001"]
    code, out, _ = run(capsys, "bookings", "show", "yy000001", "--json")
    assert json.loads(out)["events"][0]["kind"] == "created"
    code, out, _ = run(
        capsys, "bookings", "cancel", "YY000001", "--note", "律师请假", "--by", "王芳"
    )
    assert code == 0 and "已通知" in out
    [message] = outbox(database_url)
    assert message.user_id == "10001" and "律师请假" in message.text
    code, out, _ = run(capsys, "bookings", "list", "--status", "已取消", "--json")
    assert [r["number"] for r in json.loads(out)] == ["YY000001"]


def test_close_day_cancels_and_notifies(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "bookings", "close-day", "--site", "和顺社区党群服务站", "--date", DAY.isoformat(),
        "--note", "停电检修",
    )  # fmt: skip
    assert code == 0 and "YY000002、YY000001" in out
    assert len(outbox(database_url)) == 2
    code, out, _ = run(
        capsys, "bookings", "slots", "--site", "和顺社区党群服务站", "--service", "法律援助",
        "--date", DAY.isoformat(), "--json",
    )  # fmt: skip
    assert json.loads(out) == []


def test_an_unknown_booking_is_one_sentence(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "bookings", "show", "YY999999")
    assert code == 32 and "no booking" in err


def test_staff_tune_an_offer_and_the_slots_follow(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site = "和顺社区党群服务站"
    code, out, _ = run(capsys, "bookings", "offer", "--site", site, "--service", "义诊", "--json")
    assert code == 0 and json.loads(out)["capacity"] == 5 and json.loads(out)["slot_minutes"] == 20
    code, out, _ = run(
        capsys, "bookings", "offer", "--site", site, "--service", "健康检测",
        "--slot-minutes", "30", "--capacity", "8", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["capacity"] == 8
    _, out, _ = run(
        capsys, "bookings", "slots", "--site", site, "--service", "健康检测", "--date",
        DAY.isoformat(), "--json",
    )  # fmt: skip
    slots = json.loads(out)
    assert slots[0]["capacity"] == 8 and slots[0]["start"].endswith("08:30:00+08:00")
    assert slots[1]["start"].endswith("09:00:00+08:00")  # 30-minute slots now


def test_an_impossible_capacity_is_one_sentence(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "bookings", "offer", "--site", "和顺社区党群服务站", "--service", "法律援助",
        "--capacity", "0",
    )  # fmt: skip
    assert code == 8 and "capacity" in err and "Traceback" not in err


def test_staff_add_an_extra_session_and_residents_see_its_slots(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site, sunday = "和顺社区党群服务站", (DAY + dt.timedelta(days=(6 - DAY.weekday()) % 7 or 7))
    code, out, _ = run(
        capsys, "bookings", "slots", "--site", site, "--service", "法律援助",
        "--date", sunday.isoformat(), "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(
        capsys, "bookings", "extra-session", "--site", site, "--service", "法律援助",
        "--date", sunday.isoformat(), "--from", "09:00", "--to", "10:00", "--note", "周日加班",
        "--json",
    )  # fmt: skip
    assert code == 0 and len(json.loads(out)["slots"]) == 2
    code, out, _ = run(
        capsys, "bookings", "slots", "--site", site, "--service", "法律援助",
        "--date", sunday.isoformat(), "--json",
    )  # fmt: skip
    assert [row["start"][11:16] for row in json.loads(out)] == ["09:00", "09:30"]
    code, _, err = run(
        capsys, "bookings", "extra-session", "--site", site, "--service", "法律援助",
        "--date", sunday.isoformat(), "--from", "10:00", "--to", "09:00",
    )  # fmt: skip
    assert code == 8 and "before it starts" in err
