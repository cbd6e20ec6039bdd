"""Logging in and out, sessions, the throttle, password changes, cookies and CSRF."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.staff import AuditEntry, StaffSession
from bot.staff import accounts as staff_accounts
from tests.console.conftest import PASSWORD, Login, csrf_of


def _login(client: TestClient, username: str, password: str) -> object:
    page = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def test_login_sets_a_hardened_session_cookie_and_lands_on_the_role_home(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    response = _login(app_client, "wang", PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/console/tickets"  # type: ignore[attr-defined]
    cookie = next(
        c
        for c in response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
        if c.startswith("jmk_console=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # development; see the production test below


def test_cookie_is_secure_outside_development(
    settings: object, db_engine: object, accounts: dict[str, str]
) -> None:
    from bot.config import Settings
    from bot.web.app import create_app

    assert isinstance(settings, Settings)
    production = settings.model_copy(update={"environment": "production"})
    app = create_app(production, engine=db_engine)  # type: ignore[arg-type]
    with TestClient(app, base_url="https://127.0.0.1") as client:
        response = _login(client, "wang", PASSWORD)
    cookie = next(
        c
        for c in response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
        if c.startswith("jmk_console=")
    )
    assert "Secure" in cookie


def test_wrong_password_is_refused_politely_and_audited(
    app_client: TestClient, accounts: dict[str, str], factory: sessionmaker[Session]
) -> None:
    response = _login(app_client, "wang", "not the password")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "用户名或密码不正确" in response.text  # type: ignore[attr-defined]
    with factory() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "login.failed" in actions


def test_login_form_without_its_token_is_refused(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    response = app_client.post(
        "/console/login", data={"username": "wang", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "jmk_console" not in app_client.cookies


def test_five_failures_lock_the_account_even_with_the_right_password(
    app_client: TestClient, accounts: dict[str, str], factory: sessionmaker[Session]
) -> None:
    for _ in range(5):
        assert _login(app_client, "wang", "wrong wrong wrong").status_code == 401  # type: ignore[attr-defined]
    locked = _login(app_client, "wang", PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "分钟后再试" in locked.text  # type: ignore[attr-defined]
    # Another account from the same address still logs in (the address limit is higher).
    assert _login(app_client, "li", PASSWORD).status_code == 303  # type: ignore[attr-defined]
    with factory() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "login.throttled" in actions


def test_unknown_user_counts_towards_the_address_limit(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    for i in range(20):
        _login(app_client, f"nobody{i}", "whatever-whatever")
    assert _login(app_client, "wang", PASSWORD).status_code == 429  # type: ignore[attr-defined]


def test_logout_ends_the_session_on_the_server(
    login: Login, factory: sessionmaker[Session]
) -> None:
    client, csrf = login("wang")
    token = client.cookies.get("jmk_console")
    assert token
    response = client.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    with factory() as session:
        assert session.scalars(select(StaffSession)).all() == []
    # The old cookie, replayed, opens nothing.
    replay = TestClient(client.app, base_url="http://127.0.0.1")
    replay.cookies.set("jmk_console", token, path="/console")
    assert replay.get("/console/tickets", follow_redirects=False).status_code == 303


def test_logout_without_csrf_token_is_refused(login: Login) -> None:
    client, _ = login("wang")
    response = client.post("/console/logout", data={})
    assert response.status_code == 403
    assert "表单已失效" in response.text
    assert client.get("/console/tickets").status_code == 200  # still logged in


def test_password_change_ends_every_other_session(login: Login) -> None:
    first, csrf = login("wang")
    second, _ = login("wang")
    new = "another secret 42"
    response = first.post(
        "/console/password",
        data={"csrf_token": csrf, "current": PASSWORD, "new": new, "confirm": new},
    )
    assert response.status_code == 200 and "密码已修改" in response.text
    assert second.get("/console/tickets", follow_redirects=False).status_code == 303
    assert first.get("/console/tickets").status_code == 200  # the changer got a new session


def test_password_change_with_a_wrong_current_password_changes_nothing(login: Login) -> None:
    client, csrf = login("wang")
    response = client.post(
        "/console/password",
        data={"csrf_token": csrf, "current": "nope", "new": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 400 and "当前密码不正确" in response.text


def test_disabled_account_cannot_log_in_and_loses_its_session(
    login: Login, factory: sessionmaker[Session]
) -> None:
    client, _ = login("wang")
    with factory.begin() as session:
        account = staff_accounts.get_account(session=session, username="wang")
        staff_accounts.set_disabled(session=session, account=account, disabled=True)
    assert client.get("/console/tickets", follow_redirects=False).status_code == 303
    fresh = TestClient(client.app, base_url="http://127.0.0.1")
    assert _login(fresh, "wang", PASSWORD).status_code == 401  # type: ignore[attr-defined]


def test_anonymous_pages_redirect_to_the_login_with_the_way_back(
    app_client: TestClient,
) -> None:
    response = app_client.get("/console/tickets?status=accepted", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=/console/tickets")


def test_next_parameter_cannot_send_staff_off_site(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    page = app_client.get("/console/login?next=//evil.example/")
    response = app_client.post(
        "/console/login",
        data={
            "username": "wang",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/console/tickets"
