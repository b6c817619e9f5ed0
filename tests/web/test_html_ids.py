"""Every id on a page is unique, and a consultation's draft page offers nothing it would refuse.

Scripts find elements by id: with two elements of one id, getElementById returns the first, so
the second (a consultation's "draft not kept" warning, added to the answer page with
/consultation-parts) would never show.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Round, User
from survey.rounds import drafts
from survey.rounds.clock import utcnow
from survey.topics import drafting, publishing
from tests.factories import log_in

pytestmark = pytest.mark.usefixtures("english")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [value or "" for name, value in attrs if name == "id"]


def ids_of(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def repeated(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_check_finds_a_repeated_id() -> None:
    assert repeated(ids_of('<p id="a"></p><div><span id="a"></span><b id="b"></b></div>')) == ["a"]


def test_the_answer_page_with_the_consultation_part_repeats_no_id(
    client: FlaskClient, open_round: Round
) -> None:
    answer = ids_of(page(client, f"/a/{open_round.public_id}"))
    part = ids_of(page(client, "/consultation-parts"))
    assert repeated(answer) == [] and repeated(part) == []
    assert repeated(answer + part) == []


def test_officer_pages_repeat_no_id(client: FlaskClient, open_round: Round) -> None:
    for url in ("/i", "/how", f"/r/{open_round.public_id}"):
        assert repeated(ids_of(page(client, url))) == [], url


def consultation_draft(app: Flask, session: Session, round_: Round) -> Round:
    """The consultation of version 1 as the committee publishes it: a draft, not yet opened."""
    with app.test_request_context():
        topics = [drafting.TopicSpec("值班", "夜班休息", "补休办法")]
        drafting.set_topics(session, round_, topics, None, now=utcnow())
        consultation = publishing.publish_version(
            session, round_, None, deadline=None, now=utcnow()
        )
    session.flush()
    assert consultation.state == "draft" and consultation.kind == "consultation"
    return consultation


# CSRF on, as in production: every form's hidden token is on the page, and a page of several
# forms once repeated the token's id once per form.
@pytest.mark.settings(WTF_CSRF_ENABLED=True)
def test_staff_round_pages_repeat_no_id(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
) -> None:
    consultation = consultation_draft(app, session, answered)
    with app.test_request_context():
        draft = drafts.create_round(
            session, secretary.branch, secretary, drafts.DraftSettings(title="下一轮"), now=utcnow()
        )
    session.flush()
    log_in(client, secretary.username)
    urls = [
        "/secretary/rounds",
        f"/secretary/rounds/{draft.public_id}",
        f"/secretary/rounds/{answered.public_id}",
        f"/secretary/rounds/{consultation.public_id}",
        f"/committee/rounds/{answered.public_id}",
        f"/committee/rounds/{answered.public_id}/topics",
        f"/committee/rounds/{answered.public_id}/topics/v/1",
    ]
    for url in urls:
        assert repeated(ids_of(page(client, url))) == [], url


def test_a_consultation_draft_page_offers_no_draft_form(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
) -> None:
    consultation = consultation_draft(app, session, answered)
    log_in(client, secretary.username)
    html = page(client, f"/secretary/rounds/{consultation.public_id}")
    assert f"/secretary/rounds/{consultation.public_id}/draft" not in html
    assert 'name="members"' not in html and "Sections of the form" not in html
    assert "Save the draft" not in html
    assert "come from that round" in html and answered.title in html
    assert f"/secretary/rounds/{consultation.public_id}/open" in html
    # Posting the draft form anyway is still refused and changes nothing.
    refused = client.post(
        f"/secretary/rounds/{consultation.public_id}/draft", data={"title": "改名"}
    )
    assert refused.status_code >= 400
    session.refresh(consultation)
    assert consultation.title != "改名"
