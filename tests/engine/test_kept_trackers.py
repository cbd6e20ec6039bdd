"""Kept trackers (engine/jiamenkou_engine/tracker_store.py `install_kept_trackers`), run by the
engine's own Python on Rasa's SQL tracker store: a turn after a turn reuses the saved tracker,
but whatever another replica wrote, a deleted record or a turn that never saved is read from
the database as before, and the stored rows are the ones Rasa's own save writes."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.engine_python import needs_engine_python, run_in_engine_python

pytestmark = needs_engine_python

SCRIPT = """
import asyncio, json, sys
from jiamenkou_engine import tracker_store as ours

installed = ours.install_kept_trackers()
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

DOMAIN = Domain.from_yaml('''
version: "3.1"
intents: [greet]
slots:
  colour:
    type: text
    mappings: []
''')
db = sys.argv[1]

def turn(tracker, text):
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("colour", text))
    tracker.update(ActionExecuted("action_listen"))

def texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else None

async def main():
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    replica = SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)  # another engine process
    out = {"installed": installed}

    tracker = await store.get_or_create_tracker("a", append_action_listen=False)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    turn(tracker, "one"); await store.save(tracker)
    second = await store.retrieve("a")  # read in full: the first tracker was created here
    turn(second, "two"); await store.save(second)
    third = await store.retrieve("a")
    out["kept_reused"] = third is second
    out["while_out"] = await store.retrieve("a") is second  # a second reader reads afresh
    turn(third, "three"); await store.save(third)

    other = await replica.retrieve("a")
    turn(other, "four"); await replica.save(other)
    after_other = await store.retrieve("a")
    out["after_other_replica"] = texts(after_other)
    out["after_other_reused"] = after_other is third
    full_read = [e.as_dict() for e in after_other.events]
    await store.save(after_other)  # nothing new: saving stores nothing

    unsaved = await store.retrieve("a")
    turn(unsaved, "never saved")  # the turn failed before saving
    out["after_failed_turn"] = texts(await store.retrieve("a"))

    with store.engine.connect() as c:
        rows = c.execute(sa.text("SELECT type_name, intent_name, action_name, data "
                                 "FROM events WHERE sender_id = 'a' ORDER BY id")).fetchall()
    out["rows"] = [[r[0], r[1], r[2]] for r in rows]
    # Every turn's events once, in order: the session's start, then what a full read gives.
    stored = [json.loads(r[3]) for r in rows]
    out["rows_match_events"] = stored[0]["name"] == "action_session_start" and stored[1:] == full_read

    kept = await store.retrieve("a"); await store.save(kept)
    with store.engine.begin() as c:
        c.execute(sa.text("DELETE FROM events WHERE sender_id = 'a'"))  # forget the resident
    out["after_delete"] = texts(await store.retrieve("a"))

    for name in ("b", "c", "d"):  # JIAMENKOU_KEPT_TRACKERS=2: b is let go
        t = await store.get_or_create_tracker(name)
        turn(t, name); await store.save(t)
        t = await store.retrieve(name); await store.save(t)
    out["kept_senders"] = list(store.__dict__.get("_jiamenkou_kept", {}))

    restarted = await store.retrieve("d")
    restarted.update(ActionExecuted("action_session_start"))
    restarted.update(SessionStarted())
    turn(restarted, "new session"); await store.save(restarted)
    again = await store.retrieve("d")
    out["new_session_reread"] = again is not restarted
    out["new_session_texts"] = texts(again)
    print(json.dumps(out))

asyncio.run(main())
"""


def run_engine_python(tmp_path: Path, env: dict[str, str]) -> dict[str, object]:
    return run_in_engine_python(
        SCRIPT,
        str(tmp_path / "record.db"),
        env={"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "JIAMENKOU_KEPT_TRACKERS": "2", **env},
    )


def test_a_saved_tracker_is_reused_and_anything_else_is_read_again(tmp_path: Path) -> None:
    result = run_engine_python(tmp_path, {})
    assert result["installed"] is True
    assert result["kept_reused"] is True
    assert result["while_out"] is False
    # Another replica answered in between: its turn is there, read from the database.
    assert result["after_other_replica"] == ["one", "two", "three", "four"]
    assert result["after_other_reused"] is False
    assert result["after_failed_turn"] == ["one", "two", "three", "four"]
    rows = result["rows"]
    assert isinstance(rows, list)
    assert [r[0] for r in rows].count("user") == 4
    assert ["user", "greet", None] in rows and ["action", None, "action_listen"] in rows
    assert result["rows_match_events"] is True
    assert result["after_delete"] is None
    assert result["kept_senders"] == ["c", "d"]
    assert result["new_session_reread"] is True
    assert result["new_session_texts"] == ["new session"]


def test_switched_off_every_retrieve_reads_the_database(tmp_path: Path) -> None:
    result = run_engine_python(tmp_path, {"JIAMENKOU_KEPT_TRACKERS": "0"})
    assert result["installed"] is False
    assert result["kept_reused"] is False
    assert result["after_other_replica"] == ["one", "two", "three", "four"]
    assert result["after_failed_turn"] == ["one", "two", "three", "four"]
    assert result["rows_match_events"] is True
    assert result["after_delete"] is None
    assert result["new_session_texts"] == ["new session"]
