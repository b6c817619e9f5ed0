"""The committee's pages: the rounds list, the round's facts, the grouped summary, chart, search."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Branch, Member, Round, User
from survey.rounds import drafts, opening
from survey.rounds.clock import utcnow
from survey.summary.query import build_summary
from tests.factories import bind_custodians, log_in
from tests.unseal_support import (
    NO_REWRITE,
    SAMPLE_ANSWERS,
    start_round,
)

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]
FACT = r"<dt>([^<]+)</dt><dd>([^<]*)</dd>"


def page_of(client: FlaskClient, round_: Round, query: str = "") -> str:
    response = client.get(
        f"/committee/rounds/{round_.public_id}" + (f"?q={query}" if query else "")
    )
    assert response.status_code == 200, response.status_code
    return response.data.decode()


def test_rounds_lists_the_branchs_rounds(
    unsealed: Round,
    client: FlaskClient,
    committee_user: User,
    make_user: Callable[..., User],
    make_branch: Callable[..., Branch],
) -> None:
    log_in(client, committee_user.username)
    listing = client.get("/committee/rounds").data.decode()
    assert unsealed.title in listing
    assert f"/committee/rounds/{unsealed.public_id}" in listing
    other = make_user("other", roles=("committee",), branch=make_branch())
    client.post("/auth/logout")
    log_in(client, other.username)
    assert unsealed.public_id not in client.get("/committee/rounds").data.decode()
    assert client.get(f"/committee/rounds/{unsealed.public_id}").status_code == 404


def test_pages_need_the_committee_role(
    unsealed: Round, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    response = client.get(f"/committee/rounds/{unsealed.public_id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    admin_only = make_user("onlyadmin", roles=("admin",))
    log_in(client, admin_only.username)
    assert client.get("/committee/rounds").status_code == 403
    assert client.get(f"/committee/rounds/{unsealed.public_id}").status_code == 403


def test_custodian_two_sees_a_notice_when_part_one_is_confirmed(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
) -> None:
    bind_custodians(session, secretary, committee_user)
    with app.app_context():
        round_ = drafts.create_round(
            session,
            branch,
            secretary,
            drafts.DraftSettings(title="第二次征求意见", custodian2=committee_user),
            now=utcnow(),
        )
        drafts.set_participants(session, round_, members)
        part1 = opening.start_opening(session, round_, secretary, now=utcnow())
        opening.confirm_part(session, round_, secretary, 1, part1, now=utcnow())
        session.flush()
    log_in(client, committee_user.username)
    listing = client.get("/committee/rounds").data.decode()
    if "committee.receive_part" in app.view_functions:
        assert f"/committee/rounds/{round_.public_id}/part" in listing
    else:
        assert f"/committee/rounds/{round_.public_id}/part" not in listing
    client.post("/auth/logout")
    log_in(client, secretary.username)  # custodian 1: no notice
    assert (
        f"/committee/rounds/{round_.public_id}/part"
        not in client.get("/committee/rounds").data.decode()
    )


def test_facts_of_the_round(unsealed: Round, client: FlaskClient, secretary: User) -> None:
    log_in(client, secretary.username)
    page = page_of(client, unsealed)
    facts = dict(re.findall(FACT, page))
    assert len(facts) >= 12, facts
    values = list(facts.values())
    assert "12" in values  # invited
    assert "7" in values  # invitations used and answers received
    labels = list(facts)
    assert labels.index("Minimum k") == labels.index("Reissued invitations") + 1  # next to k
    assert facts["Minimum k"] == "5 (unsealing needs 5)"
    assert unsealed.unsealed_on is not None
    assert unsealed.unsealed_on.isoformat() in values
    for value in values:  # days, never times
        assert not re.search(r"\d{1,2}:\d{2}", value), value


def test_facts_while_collecting_show_no_answer_count(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
) -> None:
    collecting = start_round(app, session, client, branch, secretary, committee_user, members)
    for answer in SAMPLE_ANSWERS[:3]:
        collecting.submit(answer)
    log_in(client, committee_user.username)
    page = page_of(client, collecting.round)
    facts = dict(re.findall(FACT, page))
    answers = facts.get("Answers received", facts.get("收到的答卷"))
    assert answers == "—"  # never how many answers arrived while collecting
    assert 'name="part1"' not in page


def test_sections_themes_and_items(
    unsealed: Round, client: FlaskClient, secretary: User, session: Session
) -> None:
    log_in(client, secretary.username)
    page = page_of(client, unsealed)
    titles = [s.title for s in unsealed.sections]
    assert titles[0] == "对支部班子的意见建议" and titles[-1] == "其他意见建议"
    assert any("张明同志" in t for t in titles)
    positions = [page.index(f">{title} <") for title in titles]
    assert positions == sorted(positions)
    summary = build_summary(session, unsealed)
    for section in summary.sections:
        for theme in section.themes:
            assert theme.heading in page
            assert f"{theme.count} items" in page or f"{theme.count} 条" in page
            assert theme.representative and theme.representative in page
            for item in theme.items:
                assert item.text in page


def test_bar_chart_is_server_side_svg_without_styles(
    unsealed: Round, client: FlaskClient, secretary: User, session: Session
) -> None:
    log_in(client, secretary.username)
    response = client.get(f"/committee/rounds/{unsealed.public_id}")
    page = response.data.decode()
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert " style=" not in page and "<style" not in page
    # The chart needs no script; the one script is the editing module, a same-origin file.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts == [(' type="module" src="/static/js/committee/selection.js"', "")]
    summary = build_summary(session, unsealed)
    charted = [s for s in summary.sections if s.themes]
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == len(charted)
    for svg, section in zip(svgs, charted, strict=True):
        bars = re.findall(r'<rect x="0" y="\d+" width="(\d+)"', svg)
        assert len(bars) == len(section.themes)
        widths = [int(w) for w in bars]
        counts = [t.count for t in section.themes]
        assert widths == sorted(widths, reverse=True)  # biggest theme first, longest bar
        assert max(widths) == 340 and counts == sorted(counts, reverse=True)
        for theme in section.themes:
            assert f"<title>{theme.heading}: {theme.count}</title>" in svg


def test_search_filters_items(unsealed: Round, client: FlaskClient, secretary: User) -> None:
    log_in(client, secretary.username)
    page = page_of(client, unsealed, "培训")
    items = re.findall(r'<span class="item-text">([^<]+)</span>', page)
    assert items and all("培训" in item for item in items)
    assert "值班补休制度落实不到位" not in page
    assert page_of(client, unsealed, "培訓").count('class="item-text"') == len(items)  # traditional
    assert "No items match" in page_of(client, unsealed, "没有这个词") or "没有匹配" in page_of(
        client, unsealed, "没有这个词"
    )


def test_nothing_is_broken_down_by_participant_category(
    unsealed: Round, client: FlaskClient, secretary: User
) -> None:
    log_in(client, secretary.username)
    page = page_of(client, unsealed)
    for word in ("probationary", "non_member", "party_member", "预备党员", "非党员", "category"):
        assert word not in page


def test_items_are_shown_in_content_order(
    unsealed: Round, client: FlaskClient, secretary: User, session: Session
) -> None:
    log_in(client, secretary.username)
    page = page_of(client, unsealed)
    for theme in build_summary(session, unsealed).themes:
        texts = [item.text for item in theme.items]
        assert texts == sorted(texts)
        positions = [page.index(f'<span class="item-text">{t}</span>') for t in texts]
        assert positions == sorted(positions)


def test_download_buttons(unsealed: Round, client: FlaskClient, secretary: User) -> None:
    log_in(client, secretary.username)
    page = page_of(client, unsealed)
    for fmt in ("docx", "csv", "md", "json"):
        url = f"/committee/rounds/{unsealed.public_id}/export.{fmt}"
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
    assert client.get(f"/committee/rounds/{unsealed.public_id}/export.exe").status_code == 404


def test_export_of_a_round_not_unsealed_is_refused(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
) -> None:
    collecting = start_round(app, session, client, branch, secretary, committee_user, members)
    log_in(client, secretary.username)
    response = client.get(f"/committee/rounds/{collecting.round.public_id}/export.json")
    assert response.status_code == 409
