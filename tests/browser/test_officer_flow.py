"""The officer's phone flow in real Chromium, as a Pixel 7 and as an iPhone 15 (issue 4, item 13).

From the printed link to the receipt; a lost reply during issuance; offline at submit and the
identical retry; the same invitation in a second browser; a reissued invitation; a wrong
fingerprint; a typed code; a closed round; an old browser. The real answer request is inspected
(no Cookie, no Referer, no invitation code), and the sealed text is opened again in Python with
both parts of the opening code. Screenshots of each step are saved with the test output.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.crypto import opening, seal
from survey.models import Branch, Member, Round, SealedAnswer, SpentToken, User
from survey.rounds.clock import to_local, utcnow
from survey.rounds.invitations import find_invitation, invitation_link, reissue_invitation
from survey.rounds.lifecycle import close_round
from tests.rounds_support import TEST_SECRET, OfficerClient, codes_of, make_collecting_round

pytestmark = pytest.mark.browser

PROFILES = ["phone_page", "iphone_page"]
TEXT_TEAM = "值班安排要更透明，加班调休要落实。\n希望支部多听一线民警的意见。"
TEXT_OTHER = "建议每月开一次业务交流会；我的警号是123456，3月5日下午3点的事。"
_numbers = itertools.count(1)


@dataclass
class OpenRound:
    """A collecting round on the live server, with what the test may know about it."""

    url: str
    round_id: str
    codes: list[str]
    parts: tuple[str, str]
    fingerprint: str
    section_ids: list[str]
    deadline_shown: str

    def link(self, code: str, fingerprint: str | None = None) -> str:
        fp = fingerprint or self.fingerprint
        return f"{self.url}/i#r={self.round_id}&c={code}&fp={fp}"


@pytest.fixture
def open_round(live_server: Any) -> OpenRound:
    return make_open_round(live_server)


def make_open_round(live_server: Any) -> OpenRound:
    """A collecting round of six members, deadline in a week, on the live server.

    Other modules import this helper (and pytest may load this module under a second name), so
    names carry a random part besides the counter.
    """
    n = f"{next(_numbers)}{secrets.token_hex(3)}"
    with live_server.session() as session:
        branch = Branch(slug=f"officer-flow-{n}", name=f"第{n}派出所党支部")
        users = [
            User(username=f"officer-flow-{n}-{who}", password_hash="!", branch=branch)
            for who in ("secretary", "jijian")
        ]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        members = [Member(name=f"民警{n}-{i}", branch=branch) for i in range(6)]
        session.add_all([branch, *users, *members])
        session.flush()
        deadline = utcnow().replace(second=0, microsecond=0) + timedelta(days=7)
        round_, parts = make_collecting_round(
            live_server.app, session, branch, users[0], users[1], members, deadline=deadline
        )
        found = OpenRound(
            url=live_server.url,
            round_id=round_.public_id,
            codes=codes_of(round_),
            parts=parts,
            fingerprint=str(round_.fingerprint),
            section_ids=[s.key for s in round_.sections],
            deadline_shown=to_local(deadline, "Asia/Shanghai").strftime("%Y-%m-%d %H:%M"),
        )
    assert invitation_link(live_server.url, round_, found.codes[0]) == found.link(found.codes[0])
    return found


@pytest.fixture(params=PROFILES)
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The same test as a Pixel 7 and as an iPhone 15; no script error may happen."""
    page = request.getfixturevalue(request.param)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], errors


@pytest.fixture
def shot(request: pytest.FixtureRequest, screenshot: Callable[[Any, str], Any]) -> Callable:
    """Screenshots named officer-<test>-<profile>-<step> (the folder is shared by all tests)."""
    test = request.node.originalname.removeprefix("test_").replace("_", "-")
    profile = {"[phone_page]": "-pixel7", "[iphone_page]": "-iphone15"}.get(
        request.node.name.removeprefix(request.node.originalname), ""
    )

    def take(page: Any, step: str) -> Any:
        return screenshot(page, f"officer-{test}{profile}-{step}")

    return take


@dataclass
class Recorder:
    """Every request the page makes, for inspection after the flow."""

    requests: list[Any] = field(default_factory=list)

    def __call__(self, request: Any) -> None:
        self.requests.append(request)

    def to(self, endpoint: str) -> list[Any]:
        return [r for r in self.requests if urlsplit(r.url).path.endswith(endpoint)]


def view(page: Any, view_id: str, timeout: float = 15_000) -> None:
    page.wait_for_selector(f"#{view_id}:not([hidden])", timeout=timeout)


def text_of(page: Any, key: str) -> str:
    """A message as the page holds it (data-* of #o-text), whatever the language."""
    return str(page.locator("#o-text").get_attribute(f"data-{key}"))


def stored(page: Any) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in page.evaluate("({...localStorage})").items()}


def obtain_token(page: Any, open_round: OpenRound, code: str) -> None:
    """Open the link: nothing is taken until the officer taps "start" (DESIGN section 5)."""
    page.goto(open_round.link(code))
    view(page, "v-invite")
    assert stored(page) == {}
    page.click("#iv-start")
    page.wait_for_url(f"{open_round.url}/a/{open_round.round_id}")
    view(page, "v-write")


def write_and_review(page: Any) -> None:
    page.fill("#a-0", TEXT_TEAM)
    page.fill(f"#a-{page.locator('#sections textarea').count() - 1}", TEXT_OTHER)
    page.click("#answer-form button[type=submit]")
    view(page, "v-review")


def check_layout(page: Any) -> None:
    """Usable at the phone's width: no sideways scrolling, tap targets of 44 px, 16 px text."""
    metrics = page.evaluate(
        """() => {
            const small = [...document.querySelectorAll('button, a, summary, input, textarea')]
              .filter((el) => el.offsetParent !== null)
              .filter((el) => el.getBoundingClientRect().height < 44)
              .map((el) => el.id || el.tagName);
            return { width: document.documentElement.scrollWidth, view: innerWidth, small,
                     font: parseFloat(getComputedStyle(document.body).fontSize) };
        }"""
    )
    assert metrics["width"] <= metrics["view"], metrics
    assert metrics["small"] == [], metrics
    assert metrics["font"] >= 16, metrics


def open_sealed_answers(live_server: Any, open_round: OpenRound) -> list[dict[str, str]]:
    """What the committee will read: every stored answer opened with both code parts."""
    with live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == open_round.round_id))
        assert round_ is not None and round_.seal_key_wrapped is not None
        key = opening.unwrap_seal_key(round_.seal_key_wrapped, *open_round.parts)
        rows = session.scalars(select(SealedAnswer).where(SealedAnswer.round_id == round_.id))
        return [seal.open_answer(key, row.sealed, open_round.round_id) for row in rows]


# ---------------------------------------------------------------------------------------
# The whole flow


def test_whole_flow_from_printed_link_to_receipt(
    page: Any, live_server: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    code = open_round.codes[0]
    page.context.add_cookies([{"name": "survey_session", "value": "staff", "url": open_round.url}])
    recorder = Recorder()
    page.on("request", recorder)
    obtain_token(page, open_round, code)
    page.go_back()  # the link's history entry was replaced: back leads to where we came from
    assert page.url == "about:blank"
    page.go_forward()
    view(page, "v-write")
    assert set(stored(page)) == {f"svy:{open_round.round_id}:token"}
    assert page.locator("#r-deadline-value").inner_text() == open_round.deadline_shown
    assert page.locator("#sections textarea").count() == len(open_round.section_ids)
    check_layout(page)
    shot(page, "1-answer-page")
    page.click("a.o-how")
    page.wait_for_url(f"{open_round.url}/how")
    shot(page, "2-how-it-works")
    page.go_back()
    view(page, "v-write")
    write_and_review(page)
    assert page.locator("#warning-list li").count() == 3  # 123456, 3月5日, 下午3点
    check_layout(page)
    shot(page, "3-review-with-warnings")
    page.click("#send")
    view(page, "v-done")
    receipt = str(page.locator("#receipt").get_attribute("data-receipt"))
    short = page.locator("#receipt").inner_text().strip()
    assert short == " ".join(receipt[i : i + 4] for i in range(0, 16, 4))  # the board has it whole
    shot(page, "4-receipt")
    assert page.locator("#board-link").get_attribute("href") == f"/r/{open_round.round_id}"
    assert stored(page) == {f"svy:{open_round.round_id}:answered": {"receipt": receipt}}
    inspect_answer_request(recorder, code, open_round)
    with live_server.session() as session:
        assert session.get(SpentToken, bytes.fromhex(receipt)) is not None
    answers = open_sealed_answers(live_server, open_round)
    sections = open_round.section_ids
    assert answers == [{sections[0]: TEXT_TEAM, sections[-1]: TEXT_OTHER}]
    page.goto(open_round.link(code))
    view(page, "v-invite")
    assert page.locator("#iv-own").inner_text() == text_of(page, "status-here")
    assert page.locator("#iv-start").inner_text() == text_of(page, "continue")
    page.click("#iv-start")
    view(page, "v-done")
    assert page.locator("#done-title").inner_text() == text_of(page, "done-before")
    shot(page, "5-already-answered")


def inspect_answer_request(recorder: Recorder, code: str, open_round: OpenRound) -> None:
    """No Cookie, no Referer, no code: and no code in any URL the page asked for."""
    for request in recorder.requests:
        parts = urlsplit(request.url)
        assert code not in parts.path + parts.query, request.url
        assert parts.netloc == urlsplit(open_round.url).netloc, request.url
    quiet = recorder.to("/keys") + recorder.to("/tokens") + recorder.to("/answers")
    for request in quiet + recorder.to("/invitation-status"):
        headers = request.all_headers()
        assert "cookie" not in headers and "referer" not in headers, request.url
    (answer,) = recorder.to("/answers")
    body = answer.post_data
    assert code not in body and code.upper() not in body
    assert set(json.loads(body)) == {"token", "signature", "sealed"}
    assert answer.all_headers()["content-type"] == "application/json"


# ---------------------------------------------------------------------------------------
# Lost replies and lost connections


def test_lost_token_reply_is_retried_with_the_same_blinded_message(
    page: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    bodies: list[str] = []
    lose = {"reply": True}

    def tokens(route: Any) -> None:
        bodies.append(route.request.post_data)
        response = route.fetch()  # the server signs and marks the invitation used
        if lose["reply"]:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/rounds/*/tokens", tokens)
    page.goto(open_round.link(open_round.codes[1]))
    view(page, "v-invite")
    assert bodies == []  # opening the link takes nothing
    page.click("#iv-start")
    view(page, "v-message")
    assert page.locator("#m-retry").is_visible()
    shot(page, "1-reply-lost")
    pending = stored(page)[f"svy:{open_round.round_id}:pending-token"]
    assert pending["code"] == open_round.codes[1]
    lose["reply"] = False
    page.goto(f"{open_round.url}/i")  # even a reload resumes from what was stored
    page.wait_for_url(f"{open_round.url}/a/{open_round.round_id}")
    view(page, "v-write")
    assert len(bodies) == 4 and len(set(bodies)) == 1
    assert json.loads(bodies[0])["blinded_msg"] == pending["blindedMsg"]
    assert set(stored(page)) == {f"svy:{open_round.round_id}:token"}


def test_offline_at_submit_then_identical_retry(
    page: Any, live_server: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    recorder = Recorder()
    page.on("request", recorder)
    obtain_token(page, open_round, open_round.codes[2])
    write_and_review(page)
    page.context.set_offline(True)
    page.click("#send")
    view(page, "v-message")
    assert page.locator("#m-retry").is_visible()
    shot(page, "1-offline")
    body = stored(page)[f"svy:{open_round.round_id}:pending-answer"]["body"]
    page.context.set_offline(False)
    page.reload()  # back online, even a reload sends the stored request unchanged
    view(page, "v-done")
    shot(page, "2-sent-after-retry")
    sent = [r.post_data for r in recorder.to("/answers")]
    assert sent and all(b == body for b in sent)
    assert len(open_sealed_answers(live_server, open_round)) == 1


def test_lost_answer_replies_then_retry_button_gets_the_same_receipt(
    phone_page: Any, live_server: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    page, bodies, receipts = phone_page, [], []

    def answers(route: Any) -> None:
        bodies.append(route.request.post_data)
        response = route.fetch()  # the answer arrives; only the reply is lost
        receipts.append(response.json()["receipt"])
        if len(bodies) <= 3:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/rounds/*/answers", answers)
    obtain_token(page, open_round, open_round.codes[3])
    write_and_review(page)
    page.click("#send")
    view(page, "v-message")
    shot(page, "1-replies-lost")
    page.click("#m-retry")
    view(page, "v-done")
    assert len(bodies) == 4 and len(set(bodies)) == 1
    assert len(set(receipts)) == 1
    assert receipts[0] == page.locator("#receipt").get_attribute("data-receipt")
    assert len(open_sealed_answers(live_server, open_round)) == 1


# ---------------------------------------------------------------------------------------
# Refusals with clear messages


def test_replayed_answer_is_refused_and_the_phone_says_so(
    phone_page: Any, live_server: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    """Someone copies the phone's sealed answer and sends it first under another token."""
    page = phone_page
    obtain_token(page, open_round, open_round.codes[1])
    write_and_review(page)
    page.context.set_offline(True)
    page.click("#send")
    view(page, "v-message")
    body = json.loads(stored(page)[f"svy:{open_round.round_id}:pending-answer"]["body"])
    thief = OfficerClient(live_server.app.test_client(), open_round.round_id)
    token, signature = thief.obtain_token(open_round.codes[0])
    stolen = thief.post(
        "answers", {**thief.answer_body(token, signature, b""), "sealed": body["sealed"]}
    )
    assert stolen.status_code == 201
    page.context.set_offline(False)  # back online, the page sends the stored request again
    page.wait_for_function(
        "t => document.getElementById('m-title').textContent === t",
        arg=text_of(page, "answer-duplicate-title"),
    )
    assert page.locator("#m-body").inner_text() == text_of(page, "answer-duplicate")
    shot(page, "refused")
    assert len(open_sealed_answers(live_server, open_round)) == 1


def test_same_invitation_in_a_second_browser(
    phone_page: Any, iphone_page: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    obtain_token(phone_page, open_round, open_round.codes[4])
    iphone_page.goto(open_round.link(open_round.codes[4]))
    view(iphone_page, "v-invite")
    own = iphone_page.locator("#iv-own").inner_text()
    assert own == text_of(iphone_page, "status-used-elsewhere")
    assert not iphone_page.locator("#iv-start").is_visible()
    assert stored(iphone_page) == {}
    shot(iphone_page, "iphone15-refused")


def test_reissued_invitation(
    page: Any, live_server: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    code = open_round.codes[5]
    with live_server.app.test_request_context(), live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == open_round.round_id))
        assert round_ is not None
        invitation = find_invitation(session, round_, code, TEST_SECRET)
        assert invitation is not None
        secretary = session.get(User, round_.custodian1_id)
        reissue_invitation(session, invitation, secretary, "手机丢失", TEST_SECRET, now=utcnow())
    page.goto(open_round.link(code))
    view(page, "v-invite")
    assert page.locator("#iv-own").inner_text() == text_of(page, "status-reissued")
    assert not page.locator("#iv-start").is_visible()
    shot(page, "reissued")


def test_wrong_fingerprint_is_refused_and_the_fragment_is_gone(
    page: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    code = open_round.codes[0]
    page.goto(open_round.link(code, fingerprint="0" * 64))
    view(page, "v-message")
    assert page.locator("#m-title").inner_text() == text_of(page, "fp-mismatch-title")
    assert page.evaluate("location.href") == f"{open_round.url}/i"
    assert code not in page.content()
    assert stored(page) == {}
    shot(page, "fingerprint-mismatch")


def test_typed_code_shows_the_fingerprint_to_compare(
    page: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    code = open_round.codes[1]
    page.goto(f"{open_round.url}/i")
    view(page, "v-form")
    check_layout(page)
    page.fill("#f-round", open_round.round_id)
    page.fill("#f-code", "x" * 26)  # well formed, but no invitation of this round
    page.click("#code-form button[type=submit]")
    view(page, "v-compare")
    page.click("#fp-same")
    view(page, "v-form")
    assert page.locator("#form-error").inner_text() == text_of(page, "unknown-invitation")
    page.fill("#f-code", " ".join(code[i : i + 4] for i in range(0, 26, 4)).upper())
    shot(page, "1-typed-code")
    page.click("#code-form button[type=submit]")
    view(page, "v-compare")
    shown = page.locator("#fp-short").inner_text()
    assert shown.replace(" ", "") == open_round.fingerprint[:16] and len(shown.split()) == 4
    shot(page, "2-compare-fingerprint")
    page.click("#fp-same")
    view(page, "v-invite")
    page.click("#iv-start")
    page.wait_for_url(f"{open_round.url}/a/{open_round.round_id}")
    view(page, "v-write")


def test_closed_round_wipes_the_phone_and_tells_whether_the_invitation_was_used(
    page: Any, live_server: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    code = open_round.codes[2]
    obtain_token(page, open_round, code)
    page.fill("#a-0", "草稿")
    assert f"svy:{open_round.round_id}:draft" in stored(page)
    with live_server.app.app_context(), live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == open_round.round_id))
        assert round_ is not None
        close_round(session, round_, None, now=utcnow())
    page.reload()
    view(page, "v-message")
    assert page.locator("#m-title").inner_text() == text_of(page, "closed-title")
    assert stored(page) == {}
    shot(page, "1-closed-answer-page")
    page.goto(open_round.link(code))
    view(page, "v-invite")
    assert page.locator("#iv-title").inner_text() == text_of(page, "closed-title")
    assert text_of(page, "status-used") in page.locator("#iv-own").inner_text()
    assert not page.locator("#iv-start").is_visible()
    page.goto(open_round.link(open_round.codes[3]))
    view(page, "v-invite")
    assert text_of(page, "status-unused") in page.locator("#iv-own").inner_text()
    assert page.locator("#iv-people li .o-used").count() == 6
    shot(page, "2-closed-invitation-status")


@pytest.mark.parametrize(
    ("old_browser", "reason"),
    [
        ("delete globalThis.BigInt", "no-bigint"),
        (
            "Object.defineProperty(globalThis.crypto, 'subtle', {get: () => undefined})",
            "no-webcrypto",
        ),
    ],
)
def test_old_browser_is_told_why(
    phone_page: Any, open_round: OpenRound, shot: Callable[..., Any], old_browser: str, reason: str
) -> None:
    page = phone_page
    page.add_init_script(old_browser)
    page.goto(open_round.link(open_round.codes[0]))
    view(page, "v-message")
    body = page.locator("#m-body").inner_text()
    assert text_of(page, f"unsupported-{reason}") in body
    assert text_of(page, "unsupported-advice") in body
    assert page.evaluate("location.hash") == ""
    shot(page, f"unsupported-{reason}")


def test_narrowest_phone_and_a_browser_without_token(
    browser: Any, open_round: OpenRound, shot: Callable[..., Any]
) -> None:
    """360 px wide: every step fits; /a/ opened without a token says to open the invitation."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    try:
        page = context.new_page()
        page.goto(f"{open_round.url}/a/{open_round.round_id}")
        view(page, "v-message")
        assert page.locator("#m-title").inner_text() == text_of(page, "no-token-title")
        check_layout(page)
        obtain_token(page, open_round, open_round.codes[4])
        check_layout(page)
        shot(page, "360px-write")
        write_and_review(page)
        check_layout(page)
        page.click("#send")
        view(page, "v-done")
        check_layout(page)
        shot(page, "360px-receipt")
    finally:
        context.close()
