"""The whole meeting-topics loop in real Chromium, on the live server's database (SQLite or
PostgreSQL): an answer round collected and unsealed, topics drafted from a theme on the committee's
pages, version 1 published, an objection from a phone at 360 px, finalising refused while it is
open, its disposition, version 2 published with the record of version 1 shown on the phone,
agreement, the superior's approval, finalising, and the Word export opened with python-docx.

Custodians open consultations and unseal through the same services as the web (their own pages
have tests of their own); every other participant answers through the real API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from sqlalchemy import select

from survey.crypto import seal
from survey.crypto.responses import Response, seal_responses
from survey.models import Branch, Member, Round, TopicVersion, User
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode
from tests.factories import PASSWORD, password_hash
from tests.rounds_support import OfficerClient, codes_of, make_collecting_round, open_round_at_once

pytestmark = pytest.mark.browser

ANSWERS = [
    "值班安排要更合理，夜班后应保证休息",
    "值班表经常临时调整，影响家庭安排",
    "值班备勤室条件差，需要改善",
    "业务培训太少，希望每季度组织一次",
    "业务培训应该结合实战案例",
    "新警培训要有师傅带教",
]
OBJECTION = "议题范围太窄，没有包括辅警的值班"
TIMEOUT = 30_000


def people(session: Any) -> list[Member]:
    branch = Branch(slug="topics-browser", name="议题测试派出所党支部", topics_reported=True)
    session.add(branch)
    for username, roles in (
        ("tp_secretary", {"secretary", "committee"}),
        ("tp_jijian", {"committee"}),
        ("tp_county", {"superior"}),
    ):
        user = User(username=username, password_hash=password_hash(PASSWORD))
        user.roles = roles
        if roles == {"superior"}:
            user.supervised = [branch]
        else:
            user.branch = branch
        session.add(user)
    members = [Member(name=f"民警{i}", branch=branch) for i in range(len(ANSWERS))]
    session.add_all(members)
    session.flush()
    return members


def users(session: Any) -> tuple[User, User]:
    found = {u.username: u for u in session.scalars(select(User))}
    return found["tp_secretary"], found["tp_jijian"]


def answer_round(live_server: Any) -> str:
    """Collected through the real API, closed and unsealed: the summary the topics come from."""
    with live_server.session() as session:
        members = people(session)
        secretary, second = users(session)
        round_, parts = make_collecting_round(
            live_server.app, session, secretary.branch, secretary, second, members
        )
        codes, round_id, section = codes_of(round_), round_.public_id, round_.sections[0].key
    officer = OfficerClient(live_server.app.test_client(), round_id)
    public = b64u_decode(officer.fetch_keys()["seal_key"]["public"])
    for text, code in zip(ANSWERS, codes, strict=True):
        token, signature = officer.obtain_token(code)
        sealed = seal.seal_answer(public, {section: text}, round_id)
        reply = officer.post("answers", officer.answer_body(token, signature, sealed))
        assert reply.status_code == 201
    close_and_unseal(live_server, round_id, parts)
    return round_id


def close_and_unseal(live_server: Any, round_id: str, parts: tuple[str, str]) -> None:
    with live_server.session() as session, live_server.app.test_request_context():
        found = session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None
        lifecycle.close_round(session, found, None, now=utcnow())
        unseal_round(session, found, *parts, now=utcnow(), actor=None)


def open_latest(live_server: Any, round_id: str) -> tuple[str, tuple[str, str], list[str]]:
    """The custodians open the consultation the committee just published."""
    with live_server.session() as session, live_server.app.test_request_context():
        round_ = session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None
        version = session.scalars(
            select(TopicVersion)
            .where(TopicVersion.round_id == round_.id, TopicVersion.published.is_(True))
            .order_by(TopicVersion.number.desc())
        ).first()
        assert version is not None and version.consultation is not None
        parts = open_round_at_once(session, version.consultation)
        return version.consultation.public_id, parts, codes_of(version.consultation)


def others_agree(live_server: Any, consultation_id: str, codes: list[str]) -> None:
    officer = OfficerClient(live_server.app.test_client(), consultation_id)
    keys = officer.fetch_keys()
    public = b64u_decode(keys["seal_key"]["public"])
    for code in codes:
        token, signature = officer.obtain_token(code)
        responses = {t["id"]: Response("agree", "") for t in keys["topics"]}
        sealed = seal_responses(public, responses, "", consultation_id)
        reply = officer.post("answers", officer.answer_body(token, signature, sealed))
        assert reply.status_code == 201


def staff(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def phone(browser: Any) -> Any:
    """A 360 px phone in Simplified Chinese; no script error may happen on it."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def to_consultation(page: Any, live_server: Any, consultation_id: str, code: str) -> None:
    with live_server.session() as session:
        found = session.scalar(select(Round).where(Round.public_id == consultation_id))
        assert found is not None
        fingerprint = found.fingerprint
    page.goto(f"{live_server.url}/i#r={consultation_id}&c={code}&fp={fingerprint}")
    page.wait_for_selector("#v-invite:not([hidden])", timeout=TIMEOUT)
    page.click("#iv-start")
    page.wait_for_url(f"{live_server.url}/a/{consultation_id}", timeout=TIMEOUT)
    page.wait_for_selector("#v-consult:not([hidden])", timeout=TIMEOUT)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, "usable at 360 px without sideways scrolling"


def send(page: Any) -> None:
    page.click("#consult-form button[type=submit]")
    page.wait_for_selector("#v-consult-review:not([hidden])", timeout=TIMEOUT)
    page.click("#c-send")
    page.wait_for_selector("#v-done:not([hidden])", timeout=TIMEOUT)
    assert len(page.get_attribute("#receipt", "data-receipt") or "") == 64
    assert page.errors == []


def flash(page: Any) -> str:
    return page.text_content("main") or ""


def test_topics_loop_in_the_browser(browser: Any, live_server: Any, tmp_path: Path) -> None:
    round_id = answer_round(live_server)
    base = f"{live_server.url}/committee/rounds/{round_id}/topics"
    committee = staff(browser, live_server, "tp_secretary")

    # Topics drafted from a theme (pre-filled) and written by hand, then version 1 published.
    committee.goto(base)
    committee.click("text=Make a topic from it >> nth=0")
    committee.wait_for_selector("#outcome")
    assert committee.input_value("#title")
    committee.fill("#problem", "值班安排不合理，夜班后休息没有保证")
    committee.fill("#outcome", "形成固定的值班轮换和补休办法")
    committee.click("main form button[type=submit]")
    committee.wait_for_selector("text=Saved.")
    committee.click("text=Write a new topic")
    committee.fill("details.panel #title", "业务培训")
    committee.fill("details.panel #problem", "培训少、形式单一")
    committee.fill("details.panel #outcome", "每季度一次结合实战案例的培训")
    committee.click("details.panel button[type=submit]")
    committee.wait_for_selector("text=Saved.")
    committee.click("text=Publish for comment")
    committee.wait_for_selector("text=Published versions")
    consultation_id, parts, codes = open_latest(live_server, round_id)

    # An objection from a phone: refused without a reason, then sent sealed.
    officer = phone(browser)
    to_consultation(officer, live_server, consultation_id, codes[0])
    officer.check("#c-topics fieldset:nth-of-type(1) input[value=object]")
    officer.check("#c-topics fieldset:nth-of-type(2) input[value=agree]")
    officer.click("#consult-form button[type=submit]")
    assert officer.is_visible("#c-error-0")
    officer.fill("#c-text-0", OBJECTION)
    send(officer)
    others_agree(live_server, consultation_id, codes[1:])
    close_and_unseal(live_server, consultation_id, parts)

    # Review: the objection is there, finalising is refused while it is open, then disposed.
    committee.goto(f"{base}/v/1")
    assert OBJECTION in flash(committee)
    committee.click("text=Finalise these topics")
    assert "holds 1 objections" in flash(committee)
    committee.select_option("ul.objections select", "adopted")
    committee.fill("ul.objections textarea >> nth=0", "议题一增加辅警值班")
    committee.click("text=Save the disposition")
    committee.wait_for_selector("text=Adopted (采纳)")

    # Version 2: the first topic changed, published with the record of version 1.
    committee.goto(base)
    committee.click("ol.topics li >> nth=0 >> text=Edit")
    committee.fill("ol.topics li >> nth=0 >> textarea[name=problem]", "值班安排不合理（含辅警）")
    committee.click("ol.topics li >> nth=0 >> text=Save the topic")
    committee.wait_for_selector("text=Saved.")
    committee.click("text=Publish for comment")
    committee.wait_for_selector("text=Version 2")
    consultation_id, parts, codes = open_latest(live_server, round_id)
    officer = phone(browser)
    to_consultation(officer, live_server, consultation_id, codes[0])
    record = officer.text_content("#c-record") or ""
    assert OBJECTION in record and "议题一增加辅警值班" in record
    assert "请对该议题再次提出意见" in record
    for n in (1, 2):
        officer.check(f"#c-topics fieldset:nth-of-type({n}) input[value=agree]")
    send(officer)
    others_agree(live_server, consultation_id, codes[1:])
    close_and_unseal(live_server, consultation_id, parts)

    # Reported, approved by the superior, finalised, exported.
    committee.goto(f"{base}/v/2")
    committee.click("text=Report to the superior Party organisation")
    committee.wait_for_selector("text=waiting for the superior")
    county = staff(browser, live_server, "tp_county")
    county.goto(f"{live_server.url}/superior/")
    county.click("text=Version 2")
    assert "值班安排不合理（含辅警）" in flash(county)
    county.select_option("#decision", "approved")
    county.click("text=Send the reply")
    county.wait_for_selector("text=Your reply was recorded.")
    committee.goto(f"{base}/v/2")
    committee.click("text=Finalise these topics")
    committee.wait_for_selector("text=Saved.")
    committee.goto(base)
    with committee.expect_download() as download:
        committee.click("text=Word (民主生活会议题及目标)")
    path = tmp_path / "topics.docx"
    download.value.save_as(str(path))
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "值班安排不合理（含辅警）" in text and "业务培训" in text
    with live_server.session() as session:
        found = session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None and found.state == "final"
