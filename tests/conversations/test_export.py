"""A recorded conversation as a Rasa test story."""

from __future__ import annotations

import yaml
from sqlalchemy import Engine

from bot.conversations.ids import conversation_id
from bot.conversations.service import ConversationRecord
from tests.conversations.conftest import SECRET
from tests.conversations.test_record import PHONE, SENDER, report_conversation
from tests.helpers import rasa_events as ev


def test_story_has_annotated_user_steps_actions_slots_and_the_form(
    db_engine: Engine, record: ConversationRecord
) -> None:
    ev.write_events(db_engine, SENDER, report_conversation())
    text = record.export_story(conversation_id(SENDER, secret=SECRET))
    document = yaml.safe_load(text)
    assert document["version"] == "3.1"
    (story,) = document["stories"]
    steps = story["steps"]
    assert steps[0]["intent"] == "report_problem"
    # Rasa's inline annotation, with the household part of the place masked.
    assert "[飞线充电](problem_type)" in steps[0]["user"]
    assert steps[0]["user"].startswith("[幸福里小区**](place)")
    assert {"action": "report_form"} in steps
    assert {"active_loop": "report_form"} in steps
    assert {"slot_was_set": [{"problem_type": "飞线充电"}]} in steps
    assert {
        "intent": "share_location",
        "entities": [{"latitude": 30.93}, {"longitude": 118.33}],
    } in steps
    assert all(s.get("action") != "action_listen" for s in steps)
    assert PHONE not in text and "3栋" not in text
