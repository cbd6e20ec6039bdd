"""The console in real headless Chromium (Debian's, driven by Playwright) against the real web
service, engine and action server: a staff member closes an overdue ticket a resident filed
by chatting, an admin opens a low-confidence conversation, staff take a handoff, reply and
release it. Screenshots of the main pages go to tests/artefacts/console/."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from bot.config import Settings
from bot.conversations.ids import conversation_id
from bot.conversations.service import open_record
from bot.db.columns import utcnow
from bot.db.handoffs import Handoff, HandoffState
from bot.db.outbox import OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.db.staff import StaffRole
from bot.db.tickets import Ticket, TicketStatus
from bot.engine.ports import free_port
from bot.engine.processes import StackConfig
from bot.staff.accounts import create_account
from bot.web.app import create_app

pytestmark = pytest.mark.engine
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "console"
PASSWORD = "browser-test-pw-1"
UNCLEAR = ("阿巴阿巴咕噜咕噜", "那个谁嗯嗯", "路灯几点开门啊", "qwerty zxcv")
WAIT_MS = 30_000  # how long Playwright waits for a page to show something (not a timing test)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # a thread cannot take signals; pytest keeps Ctrl-C


@pytest.fixture(scope="module")
def console_url(e2e_settings: Settings) -> Iterator[str]:
    """The real web service (`create_app`, as `jiamenkou serve` runs it) on a free port."""
    port = free_port()
    server = _Server(uvicorn.Config(create_app(e2e_settings), host="127.0.0.1", port=port,
                                    log_config=None))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web service did not start")
        thread.join(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing at /usr/bin/chromium; run scripts/setup.sh")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Db:
    settings: Settings

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.effective_database_url)
        self.factory = make_session_factory(self.engine)

    def account(self, role: StaffRole, grids: list[str] | None = None) -> str:
        name = f"{role.value}_{uuid.uuid4().hex[:8]}"
        with self.factory.begin() as session:
            create_account(session=session, username=name, password=PASSWORD, role=role,
                           grids=grids or [], now=utcnow())  # fmt: skip
        return name


@pytest.fixture(scope="module")
def db(e2e_settings: Settings) -> Iterator[Db]:
    found = Db(e2e_settings)
    yield found
    found.engine.dispose()


def say(stack: StackConfig, who: str, text: str) -> str:
    with httpx.Client(base_url=stack.engine_url, timeout=60,
                      headers={"Authorization": f"Bearer {stack.token}"}) as http:  # fmt: skip
        response = http.post("/webhooks/rest/webhook", json={"sender": who, "message": text})
    assert response.status_code == 200, response.text
    return "\n".join(str(m.get("text") or "") for m in response.json())


def logged_in(browser: Any, url: str, username: str, *, phone: bool = False) -> Any:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("header nav", state="attached")
    return page


def shot(page: Any, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def test_staff_close_an_overdue_ticket_and_the_resident_is_notified(
    browser: Any, console_url: str, db: Db, engine_stack: StackConfig, e2e_settings: Settings
) -> None:
    user = uuid.uuid4().hex[:12]
    who = f"terminal:{user}"
    assert "哪里" in say(engine_stack, who, "小区门口的路灯坏了好几天了")
    assert "电话" in say(engine_stack, who, "和顺社区5栋门口")
    assert "确认" in say(engine_stack, who, "不留")
    assert "GD" in say(engine_stack, who, "确认")
    with db.factory.begin() as session:
        ticket = session.scalars(
            select(Ticket).where(Ticket.channel == "terminal", Ticket.channel_user_id == user)
        ).one()
        ticket.due_at = utcnow() - timedelta(hours=1)  # the 1341 clock ran out
        number, grid = ticket.number, ticket.grid
    assert grid, "the report was routed to a grid"
    staff = db.account(StaffRole.STAFF, [grid])

    page = logged_in(browser, console_url, staff)
    page.goto(f"{console_url}/console/tickets?overdue=1")
    row = page.locator(f"tr[data-number={number}]")
    playwright_api.expect(row).to_contain_text("超时")
    shot(page, "tickets")
    phone = logged_in(browser, console_url, staff, phone=True)
    phone.goto(f"{console_url}/console/tickets")
    shot(phone, "tickets-phone")

    row.locator("a").first.click()
    playwright_api.expect(page.locator("h1")).to_contain_text(number)
    cid = conversation_id(who, secret=e2e_settings.conversation_id_secret)
    playwright_api.expect(page.locator(f'a[href="/console/conversations/{cid}"]')).to_be_visible()
    page.fill("input[name=grid]", grid)
    page.get_by_role("button", name="转派").click()
    playwright_api.expect(page.locator(".notice")).to_contain_text("工单已转派")
    page.select_option("select[name=to]", "closed")
    page.fill("#status-form textarea[name=note]", "路灯已修好，谢谢您的反映")
    page.get_by_role("button", name="确定并通知居民").click()
    playwright_api.expect(page.locator(".notice")).to_contain_text("已通知反映人")
    playwright_api.expect(page.locator("h1")).to_contain_text("已办结")
    shot(page, "ticket")

    with db.factory() as session:
        closed = session.scalars(select(Ticket).where(Ticket.channel_user_id == user)).one()
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.ticket_id == closed.id)
        ).all()
    assert closed.status is TicketStatus.CLOSED
    rating = [m for m in queued if m.kind == "rating_request"]
    assert rating and rating[0].channel == "terminal" and rating[0].user_id == user
    assert "路灯已修好" in rating[0].text

    # The resident's conversation, from the ticket, with what the engine understood.
    page.click(f'a[href="/console/conversations/{cid}"]')
    playwright_api.expect(page.locator("#turns")).to_contain_text("路灯坏了")
    playwright_api.expect(page.locator("#turns")).to_contain_text("report_problem")
    playwright_api.expect(page.locator(f'a[href="/console/tickets/{number}"]')).to_be_visible()


def test_admin_opens_a_low_confidence_conversation(
    browser: Any, console_url: str, db: Db, engine_stack: StackConfig, e2e_settings: Settings
) -> None:
    who = f"terminal:{uuid.uuid4().hex[:12]}"
    say(engine_stack, who, "你好")
    # Words the model was not trained on, and one that mixes two intents: the model is
    # unsure of at least one (which one depends on the trained model).
    for text in UNCLEAR:
        say(engine_stack, who, text)
    cid = conversation_id(who, secret=e2e_settings.conversation_id_secret)
    with open_record(e2e_settings) as record:
        turns = record.show(cid).turns
    unsure = [
        t for t in turns if t.confidence is not None and t.confidence < e2e_settings.low_confidence
    ]
    fell_back = [t for t in turns if t.intent == "nlu_fallback"]
    assert unsure or fell_back, [(t.user, t.intent, t.confidence) for t in turns]
    page = logged_in(browser, console_url, db.account(StaffRole.ADMIN))
    page.goto(f"{console_url}/console/conversations?low=1")
    link = page.locator(f'a[href="/console/conversations/{cid}"]')
    playwright_api.expect(link).to_be_visible()
    shot(page, "conversations")
    link.click()
    turns = page.locator("#turns")
    playwright_api.expect(turns).to_contain_text(UNCLEAR[0])
    playwright_api.expect(turns).to_contain_text("置信度")
    playwright_api.expect(page.locator(".turn.low, .turn.fallback").first).to_be_visible()
    shot(page, "conversation")
    page.goto(f"{console_url}/console/figures")
    playwright_api.expect(page.locator("svg.chart").first).to_be_visible()
    shot(page, "figures")


def test_staff_claim_reply_and_release_a_waiting_handoff(
    browser: Any, console_url: str, db: Db, engine_stack: StackConfig, e2e_settings: Settings
) -> None:
    user = uuid.uuid4().hex[:12]
    who = f"terminal:{user}"
    assert "工作人员" in say(engine_stack, who, "我要找人工客服")
    cid = conversation_id(who, secret=e2e_settings.conversation_id_secret)
    staff = db.account(StaffRole.STAFF, ["任一网格"])  # filed nothing: the shared desk
    page = logged_in(browser, console_url, staff)
    page.goto(f"{console_url}/console/handoffs")
    row = page.locator(f"tr[data-conversation={cid}]")
    playwright_api.expect(row).to_contain_text("等待接入")
    shot(page, "handoffs")
    row.locator("a").first.click()
    page.get_by_role("button", name="接入（小助手暂停回复）").click()
    playwright_api.expect(page.locator(".notice")).to_contain_text("您已接入")
    page.fill("textarea[name=text]", "您好，我是社区工作人员，请讲。")
    page.get_by_role("button", name="发送").click()
    playwright_api.expect(page.locator(".notice")).to_contain_text("回复已发出")

    # The resident writes while the page is open: it appears without a reload.
    assert say(engine_stack, who, "我想问一下老年卡在哪里办") == ""  # a person holds it
    playwright_api.expect(page.locator("#turns")).to_contain_text("老年卡在哪里办")
    shot(page, "handoff")
    page.get_by_role("button", name="交回小助手").click()
    playwright_api.expect(page.locator(".notice")).to_contain_text("交回小助手")

    with db.factory() as session:
        handoff = session.scalars(
            select(Handoff).where(Handoff.conversation_id == cid).order_by(Handoff.id.desc())
        ).first()
        replies = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.user_id == user, OutboxMessage.kind == "handoff_reply"
            )
        ).all()
    assert handoff is not None and handoff.state is HandoffState.RELEASED
    assert handoff.held_by == staff
    assert any("我是社区工作人员" in m.text for m in replies)
    assert say(engine_stack, who, "你好") != ""  # the assistant answers again
