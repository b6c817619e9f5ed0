"""The committee's summary in real Chromium on a phone: unseal with both parts, read, search, edit.

Answers go through the real API of the live server; the two custodians then give their parts, each
logged in on their own phone, and the grouped summary is read on a phone screen with its SVG chart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from survey.crypto import seal
from survey.models import Round
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode
from tests.factories import PASSWORD, staffed_branch
from tests.rounds_support import OfficerClient, codes_of, make_collecting_round

ANSWERS = [
    "1. 值班安排要更合理，夜班后应保证休息\n2. 业务培训太少，希望每季度组织一次",
    "值班表经常临时调整，影响家庭安排",
    "（一）执法培训形式单一（二）值班备勤室条件差，需要改善",
    "业务培训应该结合实战案例；夜间值班人手不足，警力配置要优化",
    "新警培训要有师傅带教",
    "食堂伙食可以改善，饭菜品种单一",
    "值班补休制度落实不到位",
]
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def closed_round(live_server: Any) -> tuple[str, tuple[str, str]]:
    """A round answered through the live server's API, then closed; (round id, parts)."""
    with live_server.session() as session:
        secretary, second, members = staffed_branch(
            session,
            "committee-browser",
            "浏览器测试派出所党支部",
            ("cv_secretary", "cv_jijian"),
            named=("张明",),
        )
        round_, parts = make_collecting_round(
            live_server.app, session, secretary.branch, secretary, second, members
        )
        codes = codes_of(round_)
        round_id, section = round_.public_id, round_.sections[0].key
    officer = OfficerClient(live_server.app.test_client(), round_id)
    public = b64u_decode(officer.fetch_keys()["seal_key"]["public"])
    for text, code in zip(ANSWERS, codes, strict=False):
        token, signature = officer.obtain_token(code)
        sealed = seal.seal_answer(public, {section: text}, round_id)
        assert (
            officer.post("answers", officer.answer_body(token, signature, sealed)).status_code
            == 201
        )
    with live_server.session() as session:
        found = session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None
        lifecycle.close_round(session, found, None, now=utcnow())
    return round_id, parts


def ensure_unsealed(live_server: Any, round_id: str, parts: tuple[str, str]) -> None:
    """Unseal through the service when the test that does it in the browser did not run."""
    with live_server.session() as session:
        found = session.scalar(select(Round).where(Round.public_id == round_id))
        if found is not None and found.state == "closed":
            unseal_round(session, found, *parts, now=utcnow(), actor=None)


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/auth/login?next=/committee/rounds")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/committee/rounds")


def test_committee_unseals_and_reads_the_summary_on_a_phone(
    live_server: Any,
    phone_page: Any,
    iphone_page: Any,
    closed_round: tuple[str, tuple[str, str]],
    screenshot: Callable[[Any, str], Path],
) -> None:
    round_id, (part1, part2) = closed_round
    page = phone_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Custodian 2, on an iPhone: a mistyped part is named and nothing is kept; then their part.
    second = iphone_page
    log_in(second, live_server, "cv_jijian")
    second.goto(f"{live_server.url}/custodian/rounds/{round_id}/unseal")
    second.fill("input[name=typed]", part2[:-1] + ("0" if part2[-1] != "0" else "1"))
    second.locator("form.form button[type=submit]").click()
    assert "2" in second.locator(".form-errors").inner_text()
    second.fill("input[name=typed]", part2.lower())
    second.locator("form.form button[type=submit]").click()
    second.wait_for_url(f"{live_server.url}/custodian/rounds/{round_id}/unseal")
    assert second.locator("input[name=typed]").count() == 0, "the part is kept, not asked again"
    screenshot(second, "unseal-1-second-custodian-waits")
    # Custodian 1 sees the task on the landing page, and gives their part on their phone.
    log_in(page, live_server, "cv_secretary")
    page.goto(f"{live_server.url}/")
    page.locator(f".custodian-task a[href='/custodian/rounds/{round_id}/unseal']").click()
    page.fill("input[name=typed]", part1)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/committee/rounds/{round_id}")
    assert page.locator(".flash-success").count() == 1
    sections = page.locator("section.summary-section")
    assert sections.count() >= 1
    charts = page.locator("svg.bar-chart")
    assert charts.count() >= 1
    bar = charts.first.locator("rect").first.bounding_box()
    assert bar is not None and bar["width"] > 0 and bar["height"] > 0
    items = page.locator(".item-text").all_inner_texts()
    assert "值班补休制度落实不到位" in items
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "committee-summary-phone")

    page.fill("input[name=q]", "培训")
    page.locator("form.search button").click()
    found = page.locator(".item-text").all_inner_texts()
    assert found and all("培训" in text for text in found)
    screenshot(page, "committee-summary-search")
    # The refused attempt answered 400, which Chromium reports; nothing else may appear
    # (the CSP would report a blocked style or script here).
    assert [p for p in problems if "status of 400" not in p] == [], problems


def test_rename_a_theme_with_csrf_and_undo_it(
    live_server: Any,
    phone_page: Any,
    closed_round: tuple[str, tuple[str, str]],
    screenshot: Callable[[Any, str], Path],
) -> None:
    round_id, parts = closed_round
    ensure_unsealed(live_server, round_id, parts)
    page = phone_page
    log_in(page, live_server, "cv_jijian")
    page.goto(f"{live_server.url}/committee/rounds/{round_id}")
    page.locator(".theme-actions a").first.click()
    page.fill("input[name=label]", "值班与休息安排")
    page.locator("form.form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/committee/rounds/{round_id}*")
    assert page.locator("h3", has_text="值班与休息安排").count() == 1
    page.goto(f"{live_server.url}/committee/rounds/{round_id}/changes")
    screenshot(page, "committee-changes-phone")
    page.locator("table.changes button").first.click()
    page.wait_for_url(f"{live_server.url}/committee/rounds/{round_id}*")
    assert page.locator("h3", has_text="值班与休息安排").count() == 0
