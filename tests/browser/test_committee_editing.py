"""The committee edits the summary in real Chromium: several ticked items move at once with no
page load (the static module js/committee/selection.js under the strict CSP, CSRF on)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from survey.crypto import seal
from survey.models import Branch, CommitteePost, Member, OpinionItem, Round, Theme, User
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode
from tests.factories import PASSWORD, password_hash
from tests.rounds_support import OfficerClient, codes_of, make_collecting_round

ANSWERS = [
    "值班安排要更合理，夜班后应保证休息",
    "值班表经常临时调整，影响家庭安排",
    "夜间值班人手不足，警力配置要优化",
    "值班补休制度落实不到位",
    "业务培训太少，希望每季度组织一次",
    "执法培训形式单一，要结合实战案例",
    "新警培训要有师傅带教",
]


def build_round(live_server: Any, slug: str) -> str:
    """A round answered through the live server's API, unsealed, with two known themes in its
    first section (培训 and 值班), committed; its id. Users ``<slug>_a`` and ``<slug>_b``."""
    with live_server.session() as session:
        branch = Branch(slug=slug, name="编辑测试派出所党支部")
        session.add(branch)
        secretary = Member(name="张明", branch=branch)
        session.add(secretary)
        session.flush()
        session.add(CommitteePost(branch_id=branch.id, post="secretary", member=secretary))
        users = []
        for name, roles in (("a", {"secretary", "committee"}), ("b", {"committee"})):
            user = User(username=f"{slug}_{name}", password_hash=password_hash(PASSWORD))
            user.branch, user.roles = branch, roles
            session.add(user)
            users.append(user)
        members = [Member(name=f"民警{i}", branch=branch) for i in range(10)]
        session.add_all(members)
        session.flush()
        round_, parts = make_collecting_round(
            live_server.app, session, branch, users[0], users[1], members
        )
        codes, round_id, section = codes_of(round_), round_.public_id, round_.sections[0].key
    officer = OfficerClient(live_server.app.test_client(), round_id)
    public = b64u_decode(officer.fetch_keys()["seal_key"]["public"])
    for text, code in zip(ANSWERS, codes, strict=False):
        token, signature = officer.obtain_token(code)
        sealed = seal.seal_answer(public, {section: text}, round_id)
        officer.post("answers", officer.answer_body(token, signature, sealed))
    with live_server.session() as session:
        found = session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None
        lifecycle.close_round(session, found, None, now=utcnow())
        unseal_round(session, found, *parts, now=utcnow(), actor=None)
        first = found.sections[0]
        training = Theme(round_id=found.id, section_id=first.id, machine_label="业务培训")
        duty = Theme(round_id=found.id, section_id=first.id, machine_label="值班安排")
        session.add_all([training, duty])
        session.flush()
        for item in session.scalars(select(OpinionItem).where(OpinionItem.round_id == found.id)):
            item.theme_id = training.id if "培训" in item.text else duty.id
    return round_id


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/auth/login?next=/committee/rounds")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/committee/rounds")


@pytest.fixture(scope="module")
def round_id(live_server: Any) -> str:
    return build_round(live_server, "editing")


def theme_block(page: Any, heading: str) -> Any:
    return page.locator("section.theme", has=page.locator("h3", has_text=heading))


def test_move_several_ticked_items_without_a_page_load(
    live_server: Any, phone_page: Any, round_id: str, screenshot: Callable[[Any, str], Path]
) -> None:
    page = phone_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "editing_b")
    page.goto(f"{live_server.url}/committee/rounds/{round_id}")
    duty, training = theme_block(page, "值班安排"), theme_block(page, "业务培训")
    moving = [duty.locator(".item-text").nth(i).inner_text() for i in (0, 1)]
    duty.locator("input.select-item").nth(0).check()
    duty.locator("input.select-item").nth(1).check()
    form = page.locator("form[data-selection]").first
    target = form.locator("option", has_text="/ 业务培训").get_attribute("value")
    form.locator("select[name=target]").select_option(value=target)
    page.evaluate("() => { window.notReloaded = true; }")
    form.locator("button[data-move]").click()
    page.wait_for_function("() => document.querySelector('.selection-status').textContent !== ''")
    assert page.evaluate("() => window.notReloaded === true")  # no page load happened
    assert set(moving) <= set(training.locator(".item-text").all_inner_texts())
    assert training.locator("h3 .count").inner_text().startswith("5")
    assert duty.locator("h3 .count").inner_text().startswith("2")
    screenshot(page, "committee-move-selected-phone")
    # The server has it too: a fresh page shows the same, and the change can be undone.
    page.reload()
    assert theme_block(page, "业务培训").locator("li.item").count() == 5
    page.goto(f"{live_server.url}/committee/rounds/{round_id}/changes")
    assert page.locator("table.changes tbody tr").count() == 1
    assert problems == [], problems


# --- print and phone ---------------------------------------------------------------------------

PHONE = {"width": 360, "height": 740}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def print_round(live_server: Any) -> str:
    return build_round(live_server, "printing")


def visible_edit_controls(page: Any) -> list[str]:
    """Links into the editing pages, forms, buttons and checkboxes that would be printed."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('a, form, button, input, select, textarea')]
                .filter((el) => el.getClientRects().length > 0
                    && getComputedStyle(el).visibility !== 'hidden')
                .map((el) => el.outerHTML.slice(0, 80))"""
        )
    )


def test_printed_summary_has_every_item_and_no_edit_links(
    live_server: Any, browser: Any, print_round: str, screenshot: Callable[[Any, str], Path]
) -> None:
    context = browser.new_context(viewport={"width": 794, "height": 1123}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, "printing_b")
        page.goto(f"{live_server.url}/committee/rounds/{print_round}")
        on_screen = page.locator(".item-text").all_inner_texts()
        assert sorted(on_screen) == sorted(ANSWERS)
        assert page.locator("a.item-edit").first.is_visible()  # the check can fail
        page.emulate_media(media="print")
        assert visible_edit_controls(page) == []
        assert not page.locator("a.item-edit").first.is_visible()
        printed = [t for t in page.locator(".item-text").all_inner_texts() if t]
        assert sorted(printed) == sorted(ANSWERS)
        assert all(page.locator(".item-text").nth(i).is_visible() for i in range(len(ANSWERS)))
        assert page.locator("h3", has_text="业务培训").is_visible()
        screenshot(page, "committee-summary-print")
        # A member's feedback sheet prints as its table alone.
        member = page.evaluate(
            "() => document.querySelector('.feedback-links a').getAttribute('href')"
        )
        page.emulate_media(media="screen")
        page.goto(f"{live_server.url}{member}")
        assert page.locator("button[data-print]").is_visible()
        page.emulate_media(media="print")
        assert visible_edit_controls(page) == []
        assert page.locator("table.sheet-table").first.is_visible()
        screenshot(page, "committee-feedback-print")
    finally:
        context.close()


def test_committee_pages_are_readable_at_360_px(
    live_server: Any, browser: Any, print_round: str, screenshot: Callable[[Any, str], Path]
) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    try:
        log_in(page, live_server, "printing_a")
        base = f"{live_server.url}/committee/rounds/{print_round}"
        page.goto(base)
        assert page.evaluate(NO_OVERFLOW)
        # Chart labels at least 12 px high on the screen (they were about 7 px).
        heights = page.evaluate(
            "() => [...document.querySelectorAll('svg.bar-chart text')]"
            ".map((t) => t.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 12, heights
        sizes = page.evaluate(
            "() => [...document.querySelectorAll('.item-text')]"
            ".map((t) => parseFloat(getComputedStyle(t).fontSize))"
        )
        assert min(sizes) >= 14, sizes
        screenshot(page, "committee-summary-360")
        theme = page.locator(".theme-actions a").first.get_attribute("href")
        item = page.locator("a.item-edit").first.get_attribute("href")
        member = page.locator(".feedback-links a").first.get_attribute("href")
        for path in (
            theme,
            item,
            member,
            f"/committee/rounds/{print_round}/changes",
            f"/secretary/rounds/{print_round}/channel-items",
        ):
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate(NO_OVERFLOW), path
        screenshot(page, "channel-items-360")
    finally:
        context.close()
