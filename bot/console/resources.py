"""What the console's routes share, built once per app by `mount_console` (no globals): the
database, the conversation record, the handoff desk, the templates and the navigation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.conversations import store
from bot.conversations.service import ConversationRecord
from bot.db.session import make_session_factory
from bot.db.staff import StaffRole
from bot.engine.client import EngineAdmin
from bot.handoff.desk import HandoffDesk
from bot.staff.throttle import ThrottleLimits
from bot.vocabulary import Vocabulary

PACKAGE_DIR = Path(__file__).resolve().parent
ALL_ROLES = frozenset(StaffRole)


@dataclass(frozen=True)
class NavItem:
    """One entry of the console's menu; other areas (e.g. /console/nlu/) add theirs with
    `ConsoleResources.add_nav`."""

    label: str
    href: str
    roles: frozenset[StaffRole] = ALL_ROLES


@dataclass
class ConsoleResources:
    settings: Settings
    session_factory: sessionmaker[Session]
    app_engine: Engine
    vocabulary: Vocabulary
    templates: Jinja2Templates
    nav: list[NavItem] = field(default_factory=list)
    _tracker_engine: Engine | None = None
    _tracker_factory: sessionmaker[Session] | None = None
    _record: ConversationRecord | None = None

    @property
    def cookie_secure(self) -> bool:
        return self.settings.environment != "development"

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.settings.console_session_hours)

    @property
    def throttle(self) -> ThrottleLimits:
        return ThrottleLimits.from_settings(self.settings)

    def add_nav(self, item: NavItem) -> None:
        self.nav.append(item)

    def tracker_factory(self) -> sessionmaker[Session]:
        """Sessions on the engine's tracker store (the app database when they are one)."""
        if self._tracker_factory is None:
            tracker_url = self.settings.effective_tracker_database_url
            if tracker_url == self.settings.effective_database_url:
                self._tracker_factory = self.session_factory
            else:
                self._tracker_engine = store.make_tracker_engine(tracker_url)
                self._tracker_factory = make_session_factory(self._tracker_engine)
        return self._tracker_factory

    def record(self) -> ConversationRecord:
        """The conversation record on the app's database and the engine's tracker store."""
        if self._record is None:
            self._record = ConversationRecord(
                tracker_factory=self.tracker_factory(),
                app_factory=self.session_factory,
                secret=self.settings.conversation_id_secret,
            )
        return self._record

    def desk(self) -> HandoffDesk:
        control = EngineAdmin(self.settings.engine_url, self.settings.engine_token)
        return HandoffDesk(session_factory=self.session_factory, control=control)

    def close(self) -> None:
        if self._tracker_engine is not None:
            self._tracker_engine.dispose()


def resources_of(request: Request) -> ConsoleResources:
    resources: ConsoleResources = request.app.state.console
    return resources
