"""One invitation, two browsers (issue 12): opening the link locks nobody out.

Officers open their link in WeChat and then in the phone's browser, or on a second phone. The
token is taken only after the tap on 「开始填写」; inside WeChat a line says where to finish; and
「在其他设备继续」 moves the token (never the invitation code) to the other browser through the
fragment of a link and a QR code drawn on the phone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from survey.models import Round, SealedAnswer
from tests.browser.conftest import device
from tests.browser.test_officer_flow import (
    OpenRound,
    Recorder,
    make_open_round,
    open_sealed_answers,
    stored,
    text_of,
    view,
)
from tests.rounds_support import OfficerClient

pytestmark = pytest.mark.browser

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 XWEB/1200 MMWEBSDK/20240301"
    " MMWEBID/1234 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/4G"
    " Language/zh_CN ABI/arm64"
)


@pytest.fixture
def open_round(live_server: Any) -> OpenRound:
    return make_open_round(live_server)


@pytest.fixture
def wechat_page(playwright: Any, browser: Any) -> Iterator[Any]:
    """WeChat's built-in browser on a Pixel 7: its user agent, its own storage."""
    profile = device(playwright, "Pixel 7") | {"user_agent": WECHAT_UA}
    context = browser.new_context(**profile, locale="zh-CN", timezone_id="Asia/Shanghai")
    yield context.new_page()
    context.close()


def status(live_server: Any, open_round: OpenRound, code: str) -> dict[str, Any]:
    client = OfficerClient(live_server.app.test_client(), open_round.round_id)
    reply = client.post("invitation-status", {"invitation": code})
    assert reply.status_code == 200, reply.get_json()
    return dict(reply.get_json())


def test_nothing_is_taken_before_the_tap_on_start(
    live_server: Any, phone_page: Any, open_round: OpenRound
) -> None:
    code = open_round.codes[0]
    # A link preview or a prefetch fetches the page: the fragment (and the code) never travels.
    preview = live_server.app.test_client().get("/i", headers={"Purpose": "prefetch"})
    assert preview.status_code == 200 and code not in preview.get_data(as_text=True)
    recorder = Recorder()
    phone_page.on("request", recorder)
    phone_page.goto(open_round.link(code))
    view(phone_page, "v-invite")
    phone_page.wait_for_load_state("networkidle")
    assert recorder.to("/tokens") == []
    assert stored(phone_page) == {}
    assert status(live_server, open_round, code)["used"] is False
    assert not phone_page.locator("#iv-wechat").is_visible()  # not in WeChat: no such line
    phone_page.click("#iv-start")
    view(phone_page, "v-write")
    assert len(recorder.to("/tokens")) == 1
    assert status(live_server, open_round, code)["used"] is True


def test_link_opened_in_two_browsers_the_second_continues_and_nobody_is_locked_out(
    live_server: Any,
    wechat_page: Any,
    phone_page: Any,
    open_round: OpenRound,
    screenshot: Any,
) -> None:
    code = open_round.codes[1]
    first, second = wechat_page, phone_page
    errors: list[str] = []
    for page in (first, second):
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    # In WeChat: one line before the tap says where to finish.
    first.goto(open_round.link(code))
    view(first, "v-invite")
    assert first.locator("#iv-wechat").is_visible()
    assert first.locator("#iv-wechat").inner_text() == first.locator("#iv-wechat").text_content()
    assert "开始填写" in first.locator("#iv-wechat").inner_text()
    screenshot(first, "second-device-1-wechat-before-start")
    first.click("#iv-start")
    view(first, "v-write")
    first.fill("#a-0", "在微信里写了一半")

    # The same link in the phone's browser: the invitation was used; it points back, kindly.
    second.goto(open_round.link(code))
    view(second, "v-invite")
    own = second.locator("#iv-own").inner_text()
    assert own == text_of(second, "status-used-elsewhere")
    assert "在其他设备继续" in own and "冒用" not in own and "不是您本人" not in own
    assert not second.locator("#iv-start").is_visible()
    screenshot(second, "second-device-2-used-elsewhere")

    # Back in WeChat: 「在其他设备继续」 shows a link and its QR code.
    recorder = Recorder()
    first.on("request", recorder)
    first.click("#handoff-open")
    view(first, "v-handoff")
    link = str(first.locator("#handoff-link").get_attribute("href"))
    assert first.locator("#handoff-link").inner_text() == link
    assert first.locator("#handoff-qr svg path").count() == 1
    screenshot(first, "second-device-3-handoff")
    parts = urlsplit(link)
    assert parts.path == f"/a/{open_round.round_id}" and parts.query == ""
    assert code not in link and code.upper() not in link
    assert set(parse_qs(parts.fragment)) == {"t", "s", "fp"}
    kept = stored(first)[f"svy:{open_round.round_id}:token"]
    assert parse_qs(parts.fragment)["t"] == [kept["token"]]
    for request in recorder.requests:  # the token never leaves the phone for the code
        assert kept["token"] not in request.url and kept["signature"] not in request.url

    # The phone's browser continues, writes and sends.
    second.goto(link)
    view(second, "v-write")
    assert second.evaluate("location.hash") == ""
    assert second.locator("#a-0").input_value() == ""  # drafts stay where they were written
    second.fill("#a-0", "换到手机浏览器里写完")
    second.click("#answer-form button[type=submit]")
    view(second, "v-review")
    second.click("#send")
    view(second, "v-done")
    assert status(live_server, open_round, code)["used"] is True

    # WeChat is not locked out either: it learns the answer was sent, and sends nothing twice.
    first.click("#handoff-back")
    view(first, "v-write")
    first.click("#answer-form button[type=submit]")
    view(first, "v-review")
    first.click("#send")
    view(first, "v-message")
    assert first.locator("#m-title").inner_text() == text_of(first, "token-spent-title")
    screenshot(first, "second-device-4-sent-elsewhere")
    sections = open_round.section_ids
    assert open_sealed_answers(live_server, open_round) == [{sections[0]: "换到手机浏览器里写完"}]
    with live_server.session() as session:
        round_id = session.scalar(select(Round.id).where(Round.public_id == open_round.round_id))
        count = select(func.count()).select_from(SealedAnswer).where(
            SealedAnswer.round_id == round_id
        )
        assert session.scalar(count) == 1
    assert errors == []


def test_a_continue_link_does_not_replace_an_answer_already_sent(
    phone_page: Any, open_round: OpenRound
) -> None:
    """Opening an old 「在其他设备继续」 link after sending shows the receipt, nothing else."""
    page = phone_page
    page.goto(open_round.link(open_round.codes[2]))
    view(page, "v-invite")
    page.click("#iv-start")
    view(page, "v-write")
    page.click("#handoff-open")
    view(page, "v-handoff")
    link = str(page.locator("#handoff-link").get_attribute("href"))
    page.click("#handoff-back")
    page.click("#answer-form button[type=submit]")
    page.click("#send")
    view(page, "v-done")
    before = stored(page)
    page.goto(link)
    view(page, "v-done")
    assert stored(page) == before
    assert json.dumps(before).count("token") == 0
