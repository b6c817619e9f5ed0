"""The officer's invitation page against stuffing, in real Chromium (issue 8, items 2 and 9).

Every participant sees who takes part from the moment the round opens, can check at any time
whether their invitation was used, and after close sees whose invitation was used; the committee
prints the same list. What a phone keeps for a round is wiped when a page learns it closed.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from survey.models import Branch, Member, Round, User
from survey.rounds.clock import utcnow
from survey.rounds.lifecycle import close_round
from tests.factories import PASSWORD, password_hash
from tests.rounds_support import OfficerClient, code_of, make_collecting_round

pytestmark = pytest.mark.browser

_numbers = itertools.count(1)
NAMES = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆"]


@dataclass
class Live:
    url: str
    round_id: str
    fingerprint: str
    codes: dict[str, str]  # name → code
    secretary: str

    def link(self, name: str) -> str:
        return f"{self.url}/i#r={self.round_id}&c={self.codes[name]}&fp={self.fingerprint}"


def collecting_round(live_server: Any, names: list[str] = NAMES) -> Live:
    n = next(_numbers)
    with live_server.session() as session:
        branch = Branch(slug=f"invitation-page-{n}", name=f"邀请页{n}支部")
        users = [
            User(username=f"ip{n}-{who}", password_hash=password_hash(PASSWORD), branch=branch)
            for who in ("secretary", "jijian")
        ]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        members = [Member(name=name, branch=branch) for name in names]
        session.add_all([branch, *users, *members])
        session.flush()
        round_, _parts = make_collecting_round(
            live_server.app, session, branch, users[0], users[1], members
        )
        return Live(
            url=live_server.url,
            round_id=round_.public_id,
            fingerprint=str(round_.fingerprint),
            codes={i.member.name: code_of(i) for i in round_.invitations},
            secretary=users[0].username,
        )


def close(live_server: Any, round_id: str) -> None:
    with live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None
        close_round(session, round_, None, now=utcnow())


def view(page: Any, view_id: str) -> None:
    page.wait_for_selector(f"#{view_id}:not([hidden])", timeout=15_000)


def text_of(page: Any, key: str) -> str:
    return str(page.locator("#o-text").get_attribute(f"data-{key}"))


def kept(page: Any) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in page.evaluate("({...localStorage})").items()}


def people(page: Any) -> dict[str, str]:
    """The list as shown: name → its mark ('' while collecting)."""
    rows = page.locator("#iv-people li")
    marks = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        mark = row.locator(".o-used")
        label = mark.inner_text() if mark.count() else ""
        marks[row.inner_text().removesuffix(label).strip()] = label
    return marks


def fits(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], width


def test_participants_see_who_takes_part_whether_used_and_after_close_who_used_it(
    live_server: Any,
    phone_page: Any,
    iphone_page: Any,
    browser: Any,
    screenshot: Callable[[Any, str], Any],
) -> None:
    live = collecting_round(live_server)
    page = phone_page
    page.goto(live.link("王芳"))
    view(page, "v-invite")
    assert page.locator("#iv-own").inner_text() == text_of(page, "status-unused-yet")
    assert people(page) == dict.fromkeys(NAMES, "")
    assert page.locator("#iv-people-title").inner_text() == text_of(page, "people").replace(
        "{n}", "6"
    )
    assert page.locator("#iv-start").is_visible() and kept(page) == {}
    assert "冒用" in page.locator("#v-invite .o-hint").inner_text()  # why the list is shown
    fits(page)
    screenshot(page, "invitation-page-collecting")

    # Someone fills 李娜's invitation in her place, during collection.
    OfficerClient(live_server.app.test_client(), live.round_id).obtain_token(live.codes["李娜"])
    iphone_page.goto(live.link("李娜"))
    view(iphone_page, "v-invite")
    own = iphone_page.locator("#iv-own").inner_text()
    assert own == text_of(iphone_page, "status-used-elsewhere")
    assert not iphone_page.locator("#iv-start").is_visible()
    screenshot(iphone_page, "invitation-page-used-in-her-place")

    page.click("#iv-start")
    page.wait_for_url(f"{live.url}/a/{live.round_id}")
    view(page, "v-write")
    close(live_server, live.round_id)

    # After close, every participant's page shows whose invitation was used.
    for who, shown in ((page, "王芳"), (iphone_page, "张伟")):
        who.goto(live.link(shown))
        view(who, "v-invite")
        assert who.locator("#iv-title").inner_text() == text_of(who, "closed-title")
        used, unused = text_of(who, "used"), text_of(who, "unused")
        expected = {name: used if name in ("王芳", "李娜") else unused for name in NAMES}
        assert people(who) == expected
        title = text_of(who, "people-used").replace("{used}", "2").replace("{n}", "6")
        assert who.locator("#iv-people-title").inner_text() == title
        assert kept(who) == {}
        fits(who)
    screenshot(page, "invitation-page-after-close")

    # The committee prints the same list for the meeting.
    staff = browser.new_context(locale="zh-CN")
    try:
        sheet = staff.new_page()
        sheet.goto(f"{live.url}/auth/login")
        sheet.get_by_label("用户名").fill(live.secretary)
        sheet.get_by_label("密码").fill(PASSWORD)
        sheet.get_by_role("button", name="登录").click()
        sheet.goto(f"{live.url}/committee/rounds/{live.round_id}")
        sheet.get_by_role("link", name="打印邀请使用情况（会上用）").click()
        rows = sheet.locator("table.participation tbody tr")
        printed = {
            rows.nth(i).locator("td").nth(0).inner_text(): rows.nth(i)
            .locator("td")
            .nth(1)
            .inner_text()
            for i in range(rows.count())
        }
        assert printed == {n: "已使用" if n in ("王芳", "李娜") else "未使用" for n in NAMES}
        sheet.emulate_media(media="print")
        assert not sheet.get_by_role("button", name="打印").is_visible()
        assert "冒用" in sheet.locator(".why").inner_text()
        screenshot(sheet, "committee-participation-print")
    finally:
        staff.close()


def test_a_visit_for_another_round_wipes_what_a_closed_round_left(
    live_server: Any, phone_page: Any
) -> None:
    first, second = collecting_round(live_server), collecting_round(live_server)
    page = phone_page
    page.goto(first.link("王芳"))
    view(page, "v-invite")
    page.click("#iv-start")
    view(page, "v-write")
    page.fill("#a-0", "草稿：值班安排")
    prefix = f"svy:{first.round_id}:"
    assert {f"{prefix}token", f"{prefix}draft"} <= set(kept(page))
    close(live_server, first.round_id)
    # The officer never opens the first round's page again: another round's link does it.
    page.goto(second.link("张伟"))
    view(page, "v-invite")
    page.wait_for_function(
        f"() => !Object.keys(localStorage).some((k) => k.startsWith({json.dumps(prefix)}))"
    )
    assert kept(page) == {}


def test_an_answer_page_left_open_wipes_its_draft_once_the_round_closed(
    live_server: Any, phone_page: Any
) -> None:
    live = collecting_round(live_server)
    page = phone_page
    page.goto(live.link("陈静"))
    view(page, "v-invite")
    page.click("#iv-start")
    view(page, "v-write")
    page.fill("#a-0", "草稿：还没写完")
    assert f"svy:{live.round_id}:draft" in kept(page)
    close(live_server, live.round_id)
    # The officer comes back to the tab: the page looks again and wipes the draft.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    view(page, "v-message")
    assert page.locator("#m-title").inner_text() == text_of(page, "closed-title")
    assert kept(page) == {}
