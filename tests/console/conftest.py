"""The real app on a migrated database (SQLite, and PostgreSQL with TEST_POSTGRES_URL), staff
accounts, and a logged-in TestClient per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.session import make_session_factory
from bot.db.staff import StaffRole
from bot.engine.ports import free_port
from bot.staff.accounts import create_account
from bot.web.app import create_app
from tests.tickets.builders import NOW

PASSWORD = "correct horse battery"
GRID_A = "和顺社区第1网格"
GRID_B = "新华社区第2网格"
SECRET = "console-secret"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def console_settings(settings: Settings, db_engine: Engine) -> Settings:
    """The test database is the app database and the tracker store (as on PostgreSQL in
    production); no engine listens at RASA_URL, so the desk's engine calls fail cleanly."""
    url = db_engine.url.render_as_string(hide_password=False)
    return Settings(
        JIAMENKOU_HOME=settings.home,
        DATABASE_URL=url,
        TRACKER_DATABASE_URL=url,
        JIAMENKOU_CONVERSATION_ID_SECRET=SECRET,
        RASA_URL=f"http://127.0.0.1:{free_port()}",
        RASA_TOKEN="console-test-token",
    )


@pytest.fixture
def accounts(factory: sessionmaker[Session]) -> dict[str, str]:
    """username -> role: an admin, a trainer, staff of grid A and staff of grid B."""
    made = {
        "admin": (StaffRole.ADMIN, []),
        "trainer": (StaffRole.TRAINER, []),
        "wang": (StaffRole.STAFF, [GRID_A]),
        "li": (StaffRole.STAFF, [GRID_B]),
    }
    with factory.begin() as session:
        for name, (role, grids) in made.items():
            create_account(
                session=session, username=name, password=PASSWORD, role=role, grids=grids, now=NOW
            )
    return {name: role.value for name, (role, _) in made.items()}


@pytest.fixture
def app_client(console_settings: Settings, db_engine: Engine) -> Iterator[TestClient]:
    app = create_app(console_settings, engine=db_engine)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


Login = Callable[[str], tuple[TestClient, str]]


@pytest.fixture
def login(
    console_settings: Settings, db_engine: Engine, accounts: dict[str, str]
) -> Iterator[Login]:
    """login(username) -> (a client logged in as them, their CSRF token)."""
    clients: list[TestClient] = []
    app = create_app(console_settings, engine=db_engine)

    def do(username: str) -> tuple[TestClient, str]:
        client = TestClient(app, base_url="http://127.0.0.1")
        client.__enter__()
        clients.append(client)
        page = client.get("/console/login")
        response = client.post(
            "/console/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        )
        assert response.status_code == 200, response.text
        return client, csrf_of(response.text)

    yield do
    for client in clients:
        client.__exit__(None, None, None)
