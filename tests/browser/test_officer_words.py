"""What the officer reads (issue 12): the chosen language all the way, plain words, a short
receipt, a board link that works before the end, and titles and the fingerprint at 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.models import Round
from survey.rounds.clock import utcnow
from survey.rounds.lifecycle import close_round
from tests.browser.test_officer_flow import (
    OpenRound,
    make_open_round,
    stored,
    view,
    write_and_review,
)

pytestmark = pytest.mark.browser

JARGON = ("凭证", "指纹", "Cookie", "cookie")


@pytest.fixture
def open_round(live_server: Any) -> OpenRound:
    return make_open_round(live_server)


@pytest.fixture
def narrow_page(browser: Any) -> Iterator[Any]:
    """The narrowest phone we support: 360 px."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context.new_page()
    context.close()


def close(live_server: Any, round_id: str) -> None:
    with live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None
        close_round(session, round_, None, now=utcnow())


def test_english_is_kept_from_the_link_to_the_answer_page_and_the_board(
    live_server: Any, phone_page: Any, open_round: OpenRound, screenshot: Any
) -> None:
    page = phone_page  # a phone set to Chinese: only ?lang=en asks for English
    code = open_round.codes[0]
    page.goto(
        f"{open_round.url}/i?lang=en#r={open_round.round_id}&c={code}&fp={open_round.fingerprint}"
    )
    view(page, "v-invite")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#iv-start").inner_text() == "Start answering"
    page.click("#iv-start")
    page.wait_for_url(f"{open_round.url}/a/{open_round.round_id}?lang=en")
    view(page, "v-write")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#answer-form button[type=submit]").inner_text() == "Review my answer"
    write_and_review(page)
    page.click("#send")
    view(page, "v-done")
    receipt = stored(page)[f"svy:{open_round.round_id}:answered"]["receipt"]
    assert page.locator("#receipt").inner_text() == " ".join(
        receipt[i : i + 4] for i in range(0, 16, 4)
    )
    # Right after sending, the board link says when the board is published (no 404).
    page.click("#board-link")
    page.wait_for_url(f"{open_round.url}/r/{open_round.round_id}?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "published here when the round ends" in page.locator("main").inner_text()
    assert receipt not in page.content()
    screenshot(page, "board-before-close")
    close(live_server, open_round.round_id)
    page.reload()
    listed = page.locator("ol.receipts li").all_inner_texts()
    assert receipt in listed
    assert page.locator("ol.receipts li strong").first.inner_text() in {r[:16] for r in listed}
    screenshot(page, "board-after-close")


def test_the_officer_pages_use_plain_words(live_server: Any, open_round: OpenRound) -> None:
    client = live_server.app.test_client()
    for path in ("/i", f"/a/{open_round.round_id}", f"/r/{open_round.round_id}"):
        body = client.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        assert not [word for word in JARGON if word in body], path


def line_boxes(page: Any, selector: str) -> list[float]:
    """The widths of the lines the element's text was wrapped into."""
    return list(
        page.evaluate(
            """(selector) => {
                const range = document.createRange();
                range.selectNodeContents(document.querySelector(selector));
                const tops = new Map();
                for (const rect of range.getClientRects()) {
                  const top = Math.round(rect.top);
                  tops.set(top, (tops.get(top) || 0) + rect.width);
                }
                return [...tops.values()];
            }""",
            selector,
        )
    )


def test_title_and_fingerprint_at_360_px(
    narrow_page: Any, open_round: OpenRound, screenshot: Any
) -> None:
    page = narrow_page
    # A code typed by hand: the page shows the fingerprint's 16 digits to compare.
    page.goto(f"{open_round.url}/i#r={open_round.round_id}&c={open_round.codes[2]}")
    view(page, "v-compare")
    assert len(line_boxes(page, "#fp-short")) == 1  # four groups of four on one line
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "360px-fingerprint")
    page.click("#fp-same")
    view(page, "v-invite")
    page.click("#iv-start")
    view(page, "v-write")
    widths = line_boxes(page, "#r-title")
    assert len(widths) <= 2, widths
    if len(widths) == 2:  # balanced: no lone characters on the last line
        assert widths[1] >= 0.5 * widths[0], widths
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "360px-title")


def test_the_way_to_the_answer_page_carries_only_what_it_needs(
    phone_page: Any, open_round: OpenRound
) -> None:
    """The keys travel once; review and sealing code load when the officer starts typing."""
    page = phone_page
    seen: list[str] = []
    page.on("request", lambda request: seen.append(urlsplit(request.url).path))
    page.goto(open_round.link(open_round.codes[3]))
    view(page, "v-invite")
    page.click("#iv-start")
    view(page, "v-write")
    page.wait_for_load_state("networkidle")
    assert seen.count(f"/api/v1/rounds/{open_round.round_id}/keys") == 1
    lazy = {"/static/js/hpke.js", "/static/js/officer/review.js", "/static/js/officer/send.js"}
    assert not lazy & set(seen) and "/static/js/officer/typed.js" not in seen
    assert not [key for key in stored(page) if key.endswith(":passed-keys")]
    page.fill("#a-0", "值班安排")
    page.wait_for_load_state("networkidle")
    page.click("#answer-form button[type=submit]")
    view(page, "v-review")
    assert lazy <= set(seen)
    page.click("#send")
    view(page, "v-done")
