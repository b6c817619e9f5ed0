"""Round categories on the committee's summary in real Chromium on a phone: a heading per
category with its count and its themes beneath, a theme moved to another category with CSRF,
and the print view with the same headings and no edit controls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from survey.crypto import seal
from survey.models import Round
from survey.rounds import categories, lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode
from tests.browser.test_committee_view import NO_OVERFLOW, log_in
from tests.factories import staffed_branch
from tests.rounds_support import OfficerClient, codes_of, make_collecting_round
from tests.web.test_summary_categories import OWN as LINES

ANSWERS = [
    "1. 值班安排要更合理，夜班后应保证休息\n2. 执法办案卷宗质量要提高",
    "夜班太多，值班备勤压力大",
    "（一）执法记录仪使用不规范（二）食堂伙食需要改善",
    "值班补休制度落实不到位；案件办理时限太紧",
    "车辆装备老旧，执法车辆不够用",
    "食堂饭菜太咸，伙食费偏高",
    "夜班连轴转，补休没有保障",
]


@pytest.fixture(scope="module")
def categorised_round(live_server: Any) -> str:
    """A round with three categories, answered through the live server's API and unsealed."""
    with live_server.session() as session:
        secretary, second, members = staffed_branch(
            session, "categories-browser", "类别测试派出所党支部", ("cat_secretary", "cat_jijian")
        )
        round_, parts = make_collecting_round(
            live_server.app, session, secretary.branch, secretary, second, members
        )
        with live_server.app.test_request_context():
            choice = categories.CategoryChoice("custom", LINES)
            categories.set_categories(session, round_, choice, actor=secretary, now=utcnow())
        codes = codes_of(round_)
        round_id, section = round_.public_id, round_.sections[0].key
    officer = OfficerClient(live_server.app.test_client(), round_id)
    public = b64u_decode(officer.fetch_keys()["seal_key"]["public"])
    for text, code in zip(ANSWERS, codes, strict=False):
        token, signature = officer.obtain_token(code)
        sealed = seal.seal_answer(public, {section: text}, round_id)
        response = officer.post("answers", officer.answer_body(token, signature, sealed))
        assert response.status_code == 201
    with live_server.session() as session:
        found = session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None
        lifecycle.close_round(session, found, None, now=utcnow())
        unseal_round(session, found, *parts, now=utcnow(), actor=None)
    return round_id


def headings(page: Any) -> list[str]:
    first = page.locator("section.summary-section").first
    return [" ".join(t.split()) for t in first.locator("h3.category-heading").all_inner_texts()]


def test_the_summary_shows_categories_first_and_a_theme_moves_between_them(
    live_server: Any,
    phone_page: Any,
    categorised_round: str,
    screenshot: Callable[[Any, str], Path],
) -> None:
    page = phone_page
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "cat_jijian")
    page.goto(f"{live_server.url}/committee/rounds/{categorised_round}")
    shown = headings(page)
    names = [text.split(" ")[0] for text in shown]
    assert names[:3] == ["值班备勤", "执法办案", "后勤保障"], shown
    assert all(text.endswith("条") for text in shown), shown  # 「值班备勤 4 条」
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "committee-summary-categories-phone")

    # Move the first theme of 后勤保障 to 执法办案 with its own select (a CSRF form).
    logistics = page.locator("section.category", has=page.locator("h3", has_text="后勤保障"))
    theme = logistics.locator("section.theme").first
    theme_id = theme.get_attribute("id")
    theme.locator("select[name=category]").select_option("执法办案")
    theme.locator("form.theme-category button").click()
    page.wait_for_url(f"{live_server.url}/committee/rounds/{categorised_round}*")
    assert page.locator(".flash-success").count() == 1
    enforcement = page.locator("section.category", has=page.locator("h3", has_text="执法办案"))
    assert enforcement.locator(f"#{theme_id}").count() == 1

    # Printed: the same headings and themes, no select and no button.
    page.emulate_media(media="print")
    assert page.locator("h3.category-heading").first.is_visible()
    assert not page.locator("form.theme-category").first.is_visible()
    screenshot(page, "committee-summary-categories-print")
    assert problems == []
