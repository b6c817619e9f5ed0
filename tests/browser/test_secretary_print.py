"""The secretary's printouts and confirmations in Chromium (issue 12).

Slips and the notice-board poster are printed to PDF by Chromium itself (``page.pdf``, the
print layout on A4) and the PDF's text must hold every whole code and the address; no slip may
clip its content. Closing asks first on a page of its own; 「已发送」 ticks stay without a reload.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from survey.models import Branch, Member, Round, User
from survey.rounds import drafts, opening
from survey.rounds.clock import utcnow
from survey.rounds.invitations import code_of
from tests.conftest import TEST_SECRET_KEY

SECRET = TEST_SECRET_KEY.encode()


@pytest.fixture(scope="module")
def logins(live_server: Any) -> dict[str, str]:
    result = live_server.app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    path = Path(live_server.app.instance_path) / "demo_logins.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def collecting(live_server: Any, logins: dict[str, str]) -> dict[str, Any]:
    """A round of the demo branch, opened for seven officers, with a deadline."""
    with live_server.session() as session:
        branch = session.scalar(select(Branch).where(Branch.slug == "demo"))
        users = {u.username: u for u in session.scalars(select(User))}
        members = [
            m
            for m in session.scalars(select(Member).where(Member.branch_id == branch.id))
            if not m.post_names
        ][:7]
        settings = drafts.DraftSettings(
            title="打印测试：2026年度民主生活会征求意见", custodian2=users["jijian"]
        )
        round_ = drafts.create_round(session, branch, users["secretary"], settings, now=utcnow())
        drafts.set_participants(session, round_, members)
        opening.open_round_at_once(session, round_, SECRET, now=utcnow())
        round_.deadline = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
        session.flush()
        codes = [code_of(round_, i, SECRET) for i in round_.invitations]
        return {"id": round_.public_id, "codes": codes, "fingerprint": round_.fingerprint}


@pytest.fixture
def desk(browser: Any, live_server: Any, logins: dict[str, str]) -> Iterator[Any]:
    """The secretary at a 1366 px desktop, logged in."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill(logins["secretary"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    yield page
    context.close()


def pdf_text(page: Any) -> tuple[str, int]:
    """The page printed by Chromium on A4, as text with all whitespace removed, and its pages."""
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = "".join(p.extract_text() or "" for p in reader.pages)
    return re.sub(r"\s+", "", text), len(reader.pages)


def test_printed_slips_hold_every_whole_code_and_the_address(
    desk: Any, live_server: Any, collecting: dict[str, Any]
) -> None:
    desk.goto(f"{live_server.url}/secretary/rounds/{collecting['id']}")
    desk.get_by_role("button", name="打印邀请条（A4）").first.click()
    desk.wait_for_selector(".slip")
    desk.emulate_media(media="print")
    clipped = desk.eval_on_selector_all(
        ".slip, .slip .typed",
        "els => els.filter(e => e.scrollHeight > e.clientHeight + 1"
        " || e.scrollWidth > e.clientWidth + 1).length",
    )
    assert clipped == 0, "a slip clips its content in the print layout"
    text, pages = pdf_text(desk)
    assert pages == 2, "seven slips, six to an A4 sheet"
    for code in collecting["codes"]:
        assert code in text, f"code {code} is not whole on the printed slips"
    address = f"{live_server.url}/i#r={collecting['id']}"
    assert text.count(address) == 7
    assert collecting["fingerprint"][:16] in text


def test_the_printed_poster_holds_the_address_and_fingerprint_and_no_code(
    desk: Any, live_server: Any, collecting: dict[str, Any]
) -> None:
    desk.goto(f"{live_server.url}/secretary/rounds/{collecting['id']}")
    desk.get_by_role("link", name="公告栏海报（A4）").click()
    desk.wait_for_selector(".poster svg")
    text, pages = pdf_text(desk)
    assert pages == 1, "the poster fits one A4 sheet"
    assert f"{live_server.url}/i#r={collecting['id']}" in text
    assert collecting["fingerprint"][:16] in text
    assert not any(code in text for code in collecting["codes"])


def test_close_asks_first_and_says_what_cannot_be_undone(
    desk: Any, live_server: Any, collecting: dict[str, Any]
) -> None:
    desk.goto(f"{live_server.url}/secretary/rounds/{collecting['id']}")
    desk.get_by_role("link", name="结束征求…").click()
    assert "无法撤销" in desk.locator("main").inner_text()
    button = desk.get_by_role("button", name="确认结束征求")
    colour, background = button.evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
    )
    assert colour == "rgb(255, 255, 255)" and background != colour, "readable, not red on red"
    desk.get_by_role("link", name="继续征求").click()
    with live_server.session() as session:
        state = session.scalar(select(Round.state).where(Round.public_id == collecting["id"]))
    assert state == "collecting"
    desk.get_by_role("link", name="结束征求…").click()
    button.click()
    desk.wait_for_url(f"{live_server.url}/secretary/rounds/{collecting['id']}")
    with live_server.session() as session:
        state = session.scalar(select(Round.state).where(Round.public_id == collecting["id"]))
    assert state == "closed"


def test_sent_ticks_are_stored_without_reloading_the_messages(
    desk: Any, live_server: Any, collecting: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    desk.goto(f"{live_server.url}/secretary/rounds/{collecting['id']}")
    desk.get_by_role("button", name="可粘贴发送的消息").first.click()
    desk.wait_for_selector("#sent-progress")
    desk.evaluate("window.notReloaded = true")
    assert desk.locator("#sent-progress").inner_text() == "已发送：0 / 7（0%）"
    desk.get_by_role("button", name="标为已发送").first.click()
    expect(desk.locator("#sent-progress")).to_have_text("已发送：1 / 7（14%）")
    assert desk.evaluate("window.notReloaded") is True
    assert desk.locator(".sent-toggle[aria-pressed=true]").count() == 1
    with live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == collecting["id"]))
        assert sum(i.message_sent for i in round_.invitations) == 1


def test_the_roster_from_an_xlsx_file_then_found_by_pinyin(browser: Any, live_server: Any) -> None:
    """A secretary of a new branch uploads a workbook made by openpyxl, checks, imports."""
    from openpyxl import Workbook
    from playwright.sync_api import expect

    from tests.factories import PASSWORD, password_hash

    with live_server.session() as session:
        branch = Branch(slug="xlsx-branch", name="表格派出所党支部")
        user = User(username="xlsxsec", password_hash=password_hash(PASSWORD), branch=branch)
        user.roles = {"secretary"}
        session.add_all([branch, user])
    book = Workbook()
    sheet = book.active
    sheet.append(["表格派出所党支部名册"])
    sheet.append(["姓名", "政治面貌", "支委职务", "备注"])
    for row in (
        ["王建国", "党员", "书记", None],
        ["周强", "党员", "青年委员", None],
        ["孙丽", "共青团员", None, "户籍窗口"],
        ["钱进", "群众", None, None],
    ):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("用户名").fill("xlsxsec")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/secretary/roster/import")
    page.locator("input[type=file]").set_input_files(
        files=[
            {"name": "名册.xlsx", "mimeType": "application/octet-stream", "buffer": data.getvalue()}
        ]
    )
    page.get_by_role("button", name="检查文件").click()
    page.get_by_role("button", name=re.compile("导入 4 人")).click()
    page.wait_for_url(f"{live_server.url}/secretary/roster")
    names = page.locator(".roster .name").all_inner_texts()
    assert names == ["王建国", "周强", "钱进", "孙丽"], "committee first, then by pinyin"
    page.get_by_label("查找人员").fill("sl")
    expect(page.locator(".roster .card:visible .name")).to_have_text(["孙丽"])
    page.get_by_label("查找人员").fill("")
    expect(page.locator(".roster .card:visible")).to_have_count(4)
    context.close()
