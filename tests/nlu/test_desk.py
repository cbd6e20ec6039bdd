"""The trainer's desk on a real database (SQLite, and PostgreSQL when configured): the inbox from
the record, labelling with who did it, dismissing, on a copy of the project's data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.db.nlu_trainer import Annotation, AnnotationAction
from bot.db.session import make_session_factory
from bot.errors import InboxItemNotFound
from bot.nlu.desk import DataPaths, TrainerDesk
from bot.nlu.reader import read_nlu_file
from tests.helpers import rasa_events as ev
from tests.helpers.trainer_project import copy_data


@pytest.fixture
def desk(db_engine: Engine, tmp_path: Path) -> TrainerDesk:
    home = copy_data(tmp_path / "home")
    clock = ev.Clock(1_764_000_000.0)
    ev.write_events(
        db_engine,
        "telegram:1001",
        [
            ev.session_started(clock.tick()),
            ev.user(clock.tick(), "附近哪儿能打印复印", "find_station", 0.42,
                    ranking=[("find_station", 0.42), ("ask_services", 0.31), ("nlu_fallback", 0.2)]),
            ev.user(clock.tick(), "啥玩意儿", "nlu_fallback", 0.3),
            ev.user(clock.tick(), "你好", "greet", 0.99),
        ],
    )  # fmt: skip
    factory = make_session_factory(db_engine)
    return TrainerDesk(
        tracker_factory=factory,
        app_factory=factory,
        secret="s",
        paths=DataPaths(
            home / "nlu_data",
            home / "engine" / "domain",
            home / "tests" / "data" / "nlu_heldout.yml",
        ),
        threshold=0.6,
    )


def test_labelling_writes_the_example_and_records_who(desk: TrainerDesk, db_engine: Engine) -> None:
    items = {i.text: i for i in desk.inbox()}
    assert set(items) == {"附近哪儿能打印复印", "啥玩意儿"}
    assert [s["name"] for s in items["附近哪儿能打印复印"].suggestions] == [
        "find_station",
        "ask_services",
    ]
    added = desk.annotate(
        items["附近哪儿能打印复印"].id,
        intent="ask_services",
        text="附近哪儿能[打印复印](service)",
        by="王芳",
    )
    assert added.file.name == "sites.yml"
    assert {e.text: e.intent for e in read_nlu_file(added.file)}[
        "附近哪儿能打印复印"
    ] == "ask_services"
    assert [i.text for i in desk.inbox()] == ["啥玩意儿"]
    with make_session_factory(db_engine)() as session:
        row = session.scalars(select(Annotation)).one()
    assert (row.action, row.by, row.intent, row.file) == (
        AnnotationAction.ADDED, "王芳", "ask_services", "nlu_data/sites.yml"
    )  # fmt: skip
    assert row.example == "附近哪儿能[打印复印](service)"


def test_a_dismissed_message_leaves_the_inbox_and_cannot_be_labelled(desk: TrainerDesk) -> None:
    (item,) = [i for i in desk.inbox() if i.text == "啥玩意儿"]
    desk.dismiss(item.id, by="王芳")
    assert "啥玩意儿" not in {i.text for i in desk.inbox()}
    with pytest.raises(InboxItemNotFound):
        desk.annotate(item.id, intent="out_of_scope", text=None, by="王芳")
    assert desk.history()[0].action is AnnotationAction.DISMISSED
