"""The listing: newest first, counts, and each filter."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.conversations.ids import conversation_id
from bot.conversations.listing import Filters
from bot.conversations.service import ConversationRecord
from tests.conversations.conftest import SECRET
from tests.conversations.test_record import report_conversation
from tests.helpers import rasa_events as ev

DAY = 86_400.0
START = datetime(2026, 11, 20, tzinfo=UTC).timestamp()


def seed(db_engine: Engine) -> None:
    ev.write_events(db_engine, "wechat:oOld", report_conversation(START))
    c = ev.Clock(START + 3 * DAY)
    ev.write_events(
        db_engine,
        "telegram:42",
        [
            ev.session_started(c.tick()),
            ev.user(c.tick(), "你好", "greet", 0.99),
            ev.bot(c.tick(), "您好！"),
            ev.user(c.tick(), "附近有党群服务站吗", "find_station", 0.97),
        ],
    )


def test_newest_first_with_the_contract_fields(
    db_engine: Engine, record: ConversationRecord
) -> None:
    seed(db_engine)
    found = [s.to_json() for s in record.list(Filters())]
    assert [f["channel"] for f in found] == ["telegram", "wechat"]
    assert set(found[0]) >= {
        "id", "channel", "started_at", "last_at", "messages", "min_confidence", "fallbacks",
        "handoff",
    }  # fmt: skip
    assert found[0]["messages"] == 2 and found[0]["fallbacks"] == 0
    wechat = found[1]
    assert wechat["messages"] == 4 and wechat["fallbacks"] == 1
    # The fallback counts with the best real intent (0.3); the shared location is not a guess.
    assert wechat["min_confidence"] == 0.3
    assert wechat["id"] == conversation_id("wechat:oOld", secret=SECRET)
    assert "oOld" not in str(found) and "42" not in wechat["id"]


def test_filters(db_engine: Engine, record: ConversationRecord) -> None:
    seed(db_engine)

    def ids(**kw: object) -> list[str]:
        return [s.channel for s in record.list(Filters(**kw))]  # type: ignore[arg-type]

    assert ids(channel="wechat") == ["wechat"]
    assert ids(channel="terminal") == []
    assert ids(low_confidence=True, threshold=0.6) == ["wechat"]
    assert ids(fallback=True) == ["wechat"]
    assert ids(since=datetime.fromtimestamp(START + 2 * DAY, tz=UTC)) == ["telegram"]
    assert ids(handoff=True) == []
