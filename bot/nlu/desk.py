"""The trainer's desk: the inbox read from the conversation record, and labelling its messages
into the training data with who did it recorded in the app database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.conversations import store
from bot.conversations.ids import conversation_id
from bot.conversations.record import build_turns
from bot.db.columns import utcnow
from bot.db.migrate import upgrade_to_head
from bot.db.nlu_trainer import Annotation, AnnotationAction
from bot.db.session import make_engine, make_session_factory
from bot.errors import InboxItemNotFound
from bot.nlu.annotate import Added, add_example
from bot.nlu.inbox import InboxItem, collect_inbox
from bot.nlu.similarity import normalise
from bot.nlu.training_data import load_examples


@dataclass(frozen=True)
class DataPaths:
    nlu_dir: Path
    domain_dir: Path
    heldout: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> DataPaths:
        return cls(
            nlu_dir=settings.nlu_data_dir,
            domain_dir=settings.engine_project_dir / "domain",
            heldout=settings.heldout_file,
        )


def decided_ids(session: Session) -> frozenset[str]:
    return frozenset(i for i in session.scalars(select(Annotation.inbox_id)) if i is not None)


def trainer_lines(session: Session) -> frozenset[str]:
    rows = session.scalars(
        select(Annotation.example).where(Annotation.action == AnnotationAction.ADDED)
    )
    return frozenset(r for r in rows if r)


class TrainerDesk:
    def __init__(
        self,
        *,
        tracker_factory: sessionmaker[Session],
        app_factory: sessionmaker[Session],
        secret: str,
        paths: DataPaths,
        threshold: float,
    ) -> None:
        self._tracker = tracker_factory
        self._app = app_factory
        self._secret = secret
        self.paths = paths
        self._threshold = threshold

    def inbox(self, *, limit: int | None = None) -> list[InboxItem]:
        known = frozenset(normalise(e.example.text) for e in load_examples(self.paths.nlu_dir))
        with self._app.begin() as app:
            decided = decided_ids(app)
        with self._tracker.begin() as session:
            conversations = [
                (conversation_id(s, secret=self._secret), build_turns(store.events_of(session, s)))
                for s in store.sender_ids(session)
            ]
        items = collect_inbox(
            conversations, threshold=self._threshold, decided=decided, known_texts=known
        )
        return items[:limit] if limit else items

    def item(self, inbox_id: str) -> InboxItem:
        found = next((i for i in self.inbox() if i.id == inbox_id), None)
        if found is None:
            raise InboxItemNotFound(
                f"no inbox message {inbox_id!r} (already labelled or dismissed?); "
                "see `jiamenkou nlu inbox`"
            )
        return found

    def annotate(self, inbox_id: str, *, intent: str, text: str | None, by: str) -> Added:
        item = self.item(inbox_id)
        with self._app.begin() as app:
            added = add_example(
                text=text or item.text,
                intent=intent,
                nlu_dir=self.paths.nlu_dir,
                domain_dir=self.paths.domain_dir,
                heldout=self.paths.heldout,
                trainer_lines=trainer_lines(app),
            )
            app.add(
                Annotation(
                    inbox_id=item.id,
                    action=AnnotationAction.ADDED,
                    text=item.text,
                    example=added.line,
                    intent=intent,
                    file=str(added.file.relative_to(self.paths.nlu_dir.parent)),
                    by=by,
                    at=utcnow(),
                )
            )
        return added

    def dismiss(self, inbox_id: str, *, by: str) -> InboxItem:
        item = self.item(inbox_id)
        with self._app.begin() as app:
            app.add(
                Annotation(
                    inbox_id=item.id,
                    action=AnnotationAction.DISMISSED,
                    text=item.text,
                    by=by,
                    at=utcnow(),
                )
            )
        return item

    def history(self, *, limit: int = 50) -> list[Annotation]:
        with self._app.begin() as app:
            return list(app.scalars(select(Annotation).order_by(Annotation.id.desc()).limit(limit)))


@contextmanager
def open_desk(settings: Settings) -> Iterator[TrainerDesk]:
    app_engine = make_engine(settings.effective_database_url)
    tracker_engine: Engine = (
        app_engine
        if settings.effective_tracker_database_url == settings.effective_database_url
        else store.make_tracker_engine(settings.effective_tracker_database_url)
    )
    try:
        upgrade_to_head(app_engine)
        yield TrainerDesk(
            tracker_factory=make_session_factory(tracker_engine),
            app_factory=make_session_factory(app_engine),
            secret=settings.conversation_id_secret,
            paths=DataPaths.from_settings(settings),
            threshold=settings.low_confidence,
        )
    finally:
        tracker_engine.dispose()
        app_engine.dispose()
