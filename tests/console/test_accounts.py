"""Accounts and the audit log: admin only; bad forms keep what was typed."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.staff import AuditEntry, StaffRole
from bot.staff import accounts as staff_accounts
from tests.console.conftest import PASSWORD, Login, csrf_of


def test_admin_creates_a_staff_account_that_can_log_in(
    login: Login, factory: sessionmaker[Session]
) -> None:
    admin, csrf = login("admin")
    response = admin.post(
        "/console/accounts",
        data={
            "csrf_token": csrf,
            "username": "zhao",
            "role": "staff",
            "grids": "和顺社区第1网格，新华社区第2网格",
            "password": "zhao-initial-pw",
        },
    )
    assert response.status_code == 200 and "账号已创建" in response.text
    with factory() as session:
        account = staff_accounts.get_account(session=session, username="zhao")
        assert account.role is StaffRole.STAFF
        assert account.grids == ["和顺社区第1网格", "新华社区第2网格"]
        assert account.password_hash.startswith("$argon2id$")
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "account.create")
        ).one()
        assert entry.actor == "admin" and entry.target == "zhao"


def test_a_bad_account_form_keeps_what_was_typed(login: Login) -> None:
    admin, csrf = login("admin")
    response = admin.post(
        "/console/accounts",
        data={"csrf_token": csrf, "username": "zhou", "role": "staff", "password": "long-enough-1"},
    )
    assert response.status_code == 400 and "至少要填一个网格" in response.text
    assert 'value="zhou"' in response.text
    short = admin.post(
        "/console/accounts",
        data={"csrf_token": csrf, "username": "zhou", "role": "admin", "password": "short"},
    )
    assert short.status_code == 400 and "至少 10 个字符" in short.text
    dup = admin.post(
        "/console/accounts",
        data={"csrf_token": csrf, "username": "WANG", "role": "admin", "password": PASSWORD},
    )
    assert dup.status_code == 400 and "已有同名账号" in dup.text


def test_disabling_an_account_ends_its_sessions(login: Login) -> None:
    wang, _ = login("wang")
    admin, csrf = login("admin")
    response = admin.post("/console/accounts/wang/disable", data={"csrf_token": csrf})
    assert response.status_code == 200 and "已停用" in response.text
    assert wang.get("/console/tickets", follow_redirects=False).status_code == 303
    assert (
        admin.post("/console/accounts/admin/disable", data={"csrf_token": csrf}).status_code == 404
    )
    assert (
        admin.post("/console/accounts/nobody/disable", data={"csrf_token": csrf}).status_code == 404
    )


def test_audit_log_lists_logins_for_admins_only(login: Login) -> None:
    admin, _ = login("admin")
    page = admin.get("/console/audit", params={"action": "login"})
    assert page.status_code == 200 and "<code>login</code>" in page.text
    for name in ("wang", "trainer"):
        client, csrf = login(name)
        assert client.get("/console/audit").status_code == 403
        assert client.get("/console/accounts").status_code == 403
        denied = client.post(
            "/console/accounts",
            data={"csrf_token": csrf, "username": "x9", "role": "admin", "password": PASSWORD},
        )
        assert denied.status_code == 403


def test_audit_entries_cannot_be_edited_or_deleted(
    login: Login, factory: sessionmaker[Session]
) -> None:
    login("wang")
    with factory() as session:
        entry = session.scalars(select(AuditEntry)).first()
        assert entry is not None
        entry.action = "nothing happened"
        try:
            session.flush()
        except PermissionError:
            session.rollback()
        else:
            raise AssertionError("an audit entry was changed")


def test_login_page_is_public_and_has_its_token(app_client: TestClient) -> None:
    page = app_client.get("/console/login")
    assert page.status_code == 200 and "工作人员登录" in page.text
    assert csrf_of(page.text)
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]
