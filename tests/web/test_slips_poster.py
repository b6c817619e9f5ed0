"""Slips, the notice-board poster, messages with 「已发送」 ticks and the group-chat reminder."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Round
from survey.rounds.clock import utcnow
from survey.rounds.invitations import display_code
from tests.rounds_support import code_of


def post(client: FlaskClient, round_: Round, endpoint: str, which: str = "all") -> str:
    url = f"/secretary/rounds/{round_.public_id}/{endpoint}"
    response = client.post(url, data={"which": which})
    assert response.status_code == 200
    return response.data.decode()


def with_deadline(session: Session, round_: Round) -> str:
    round_.deadline = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    session.flush()
    local = round_.deadline + timedelta(hours=8)  # Asia/Shanghai
    return local.strftime("%Y-%m-%d %H:%M")


def test_slips_carry_the_round_the_whole_code_and_the_address(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    deadline = with_deadline(session, open_round)
    html = post(as_secretary, open_round, "slips")
    assert html.count('class="slip"') == 6 and html.count('class="sheet"') == 1
    for invitation in open_round.invitations:
        assert display_code(code_of(invitation)) in html
    assert html.count(open_round.title) >= 6 and deadline in html
    assert f"http://localhost/i#r={open_round.public_id}" in html


def test_the_poster_shows_no_code_and_is_not_a_showing(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    deadline = with_deadline(session, open_round)
    response = as_secretary.get(f"/secretary/rounds/{open_round.public_id}/poster")
    assert response.status_code == 200
    html = response.data.decode()
    assert open_round.title in html and deadline in html
    assert " ".join(open_round.fingerprint[i : i + 4] for i in range(0, 16, 4)) in html
    assert "<svg" in html and f"/i#r={open_round.public_id}<" in html
    for invitation in open_round.invitations:
        code = code_of(invitation)
        assert code not in html and display_code(code) not in html
    session.expire_all()
    assert all(i.times_shown == 0 for i in open_round.invitations), "the poster shows no code"
    dashboard = as_secretary.get(f"/secretary/rounds/{open_round.public_id}").data.decode()
    assert f"/secretary/rounds/{open_round.public_id}/poster" in dashboard


def test_the_poster_is_only_for_a_collecting_round(
    as_secretary: FlaskClient, open_round: Round
) -> None:
    as_secretary.post(f"/secretary/rounds/{open_round.public_id}/close")
    assert as_secretary.get(f"/secretary/rounds/{open_round.public_id}/poster").status_code == 404


def test_messages_name_the_round_and_its_deadline_and_keep_sent_ticks(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    deadline = with_deadline(session, open_round)
    html = post(as_secretary, open_round, "messages")
    assert html.count(f"「{open_round.title}」") == 6 and html.count(deadline) >= 6
    assert "已发送：0 / 6（0%）" in html
    first = sorted(open_round.invitations, key=lambda i: i.member.name)[0]
    url = f"/secretary/rounds/{open_round.public_id}/invitations/{first.public_id}/sent"
    ticked = as_secretary.post(url, data={"sent": "1"}, headers={"Accept": "application/json"})
    assert ticked.status_code == 200
    assert ticked.get_json() == {"sent": True, "count": 1, "total": 6}
    session.expire_all()
    assert first.message_sent is True
    again = post(as_secretary, open_round, "messages")
    assert "已发送：1 / 6（17%）" in again and again.count('sent-toggle" aria-pressed="true"') == 1
    for bad in ("yes", "", "1\x00"):
        assert as_secretary.post(url, data={"sent": bad}).status_code == 400
    elsewhere = f"/secretary/rounds/{open_round.public_id}/invitations/nosuchinvitation/sent"
    assert as_secretary.post(elsewhere, data={"sent": "1"}).status_code == 404
    no_script = as_secretary.post(url, data={"sent": "0"})
    assert no_script.status_code == 302 and no_script.headers["Location"].endswith("#invitations")
    as_secretary.post(f"/secretary/rounds/{open_round.public_id}/close")
    assert as_secretary.post(url, data={"sent": "1"}).status_code == 409


def test_the_group_reminder_names_nobody(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    deadline = with_deadline(session, open_round)
    page = as_secretary.get(f"/secretary/rounds/{open_round.public_id}").data.decode()
    reminder = re.search(r'id="reminder-text">(.*?)</textarea>', page, re.S)
    assert reminder is not None
    text = reminder.group(1)
    assert open_round.title in text and deadline in text
    for invitation in open_round.invitations:
        assert invitation.member.name not in text
    assert "0%" in page, "the share of invitations used is shown"
