"""Showing invitation codes: the first showing hands a code out, every later one is counted.

DESIGN.md section 3, "Stuffing (the n−1 attack)": every showing after the first distribution is
written to the round's log and counted for the committee, next to the reissues.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.models import Member, Round, RoundEvent, User
from survey.rounds import showing
from survey.rounds.clock import utcnow
from survey.rounds.errors import WrongState
from survey.rounds.invitations import shown_again_count
from survey.rounds.lifecycle import close_round
from tests.committed import committed_app, fresh_database
from tests.rounds_support import TEST_SECRET, code_of, make_collecting_round

FACT = re.compile(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>")
CODE_IN_CSV = re.compile(r",([a-z2-9]{26})$", re.MULTILINE)


def events(session: Session, round_: Round, kind: str) -> list[RoundEvent]:
    query = select(RoundEvent).where(RoundEvent.round_id == round_.id, RoundEvent.kind == kind)
    return list(session.scalars(query.order_by(RoundEvent.id)))


def shown_again(session: Session, round_: Round) -> int:
    """Codes shown again, as committed by the requests (the test's own objects are stale)."""
    session.expire_all()
    return shown_again_count(round_)


def times_shown(session: Session, round_: Round) -> int:
    session.expire_all()
    return sum(i.times_shown for i in round_.invitations)


def show(client: FlaskClient, round_: Round, endpoint: str, which: str) -> Any:
    return client.post(f"/secretary/rounds/{round_.public_id}/{endpoint}", data={"which": which})


def test_the_first_showing_hands_codes_out_and_every_later_one_is_counted(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    first = show(as_secretary, open_round, "invitations.csv", "new")
    assert first.status_code == 200
    handed_out = CODE_IN_CSV.findall(first.data.decode("utf-8-sig"))
    assert sorted(handed_out) == sorted(code_of(i) for i in open_round.invitations)
    assert shown_again(session, open_round) == 0
    assert [e.detail for e in events(session, open_round, "codes_handed_out")] == [
        {"channel": "csv", "count": 6}
    ]
    # Nothing is left to hand out: "new" shows nothing and counts nothing.
    assert show(as_secretary, open_round, "slips", "new").data.decode().count('class="slip"') == 0
    assert shown_again(session, open_round) == 0
    # Every code again on slips, and one person's message again.
    assert show(as_secretary, open_round, "slips", "all").data.decode().count('class="slip"') == 6
    one = open_round.invitations[2]
    page = show(as_secretary, open_round, "messages", one.public_id).data.decode()
    assert page.count('id="msg-') == 1 and code_of(one)[:4] in page
    assert shown_again(session, open_round) == 7
    again = events(session, open_round, "codes_shown_again")
    assert [(e.detail["channel"], e.detail["count"]) for e in again] == [
        ("slips", 6),
        ("messages", 1),
    ]
    assert again[1].detail["names"] == [one.member.name]
    assert all(code_of(i) not in str(e.detail) for e in again for i in open_round.invitations)


def test_the_count_is_on_the_committee_facts_the_dashboard_and_the_round_log(
    app: Flask, as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    show(as_secretary, open_round, "slips", "new")
    show(as_secretary, open_round, "invitations.csv", "all")
    label = "Codes shown again after handing out"
    dashboard = as_secretary.get(f"/secretary/rounds/{open_round.public_id}?lang=en")
    assert dict(FACT.findall(dashboard.data.decode()))[label] == "6"
    committee = as_secretary.get(f"/committee/rounds/{open_round.public_id}?lang=en")
    facts = dict(FACT.findall(committee.data.decode()))
    assert facts[label] == "6" and facts["Reissued invitations"] == "0"
    log = as_secretary.get(f"/secretary/rounds/{open_round.public_id}/log?lang=en").data.decode()
    assert "Codes shown again after handing out: 6." in log
    assert "6 codes shown again, by CSV download: 张警官0、张警官1" in log
    assert "6 codes, by printed slips" in log


def test_showing_is_a_post_and_only_while_collecting(
    app: Flask, as_secretary: FlaskClient, open_round: Round, session: Session, secretary: User
) -> None:
    for endpoint in ("slips", "messages", "invitations.csv"):
        url = f"/secretary/rounds/{open_round.public_id}/{endpoint}"
        assert as_secretary.get(url + "?which=all").status_code == 405
        assert as_secretary.post(url, data={}).status_code == 400
    assert show(as_secretary, open_round, "slips", "nosuchinvitation").status_code == 400
    assert times_shown(session, open_round) == 0
    with app.app_context():
        close_round(session, open_round, secretary, now=utcnow())
    refused = show(as_secretary, open_round, "slips", "all")
    assert refused.status_code == 409
    assert times_shown(session, open_round) == 0
    with app.test_request_context(), pytest.raises(WrongState):
        showing.show_codes(
            session, open_round, "all", channel="cli", actor=None, secret=TEST_SECRET, now=utcnow()
        )


@pytest.mark.settings(WTF_CSRF_ENABLED=True)
def test_showing_needs_the_csrf_token(
    client: FlaskClient, secretary: User, open_round: Round, session: Session
) -> None:
    log_in_with_csrf(client, secretary.username)
    response = client.post(f"/secretary/rounds/{open_round.public_id}/slips", data={"which": "all"})
    assert response.status_code == 400
    assert times_shown(session, open_round) == 0
    dashboard = client.get(f"/secretary/rounds/{open_round.public_id}").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', dashboard)
    assert token is not None
    shown = client.post(
        f"/secretary/rounds/{open_round.public_id}/slips",
        data={"which": "all", "csrf_token": token.group(1)},
    )
    assert shown.status_code == 200 and shown.data.decode().count('class="slip"') == 6


def log_in_with_csrf(client: FlaskClient, username: str) -> None:
    page = client.get("/auth/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/auth/login",
        data={
            "username": username,
            "password": "correct horse battery staple",
            "csrf_token": token.group(1),
        },
    )
    assert response.status_code == 302


def test_the_command_line_counts_like_the_web(
    runner: Any,
    open_round: Round,
    session: Session,
    make_member: Callable[..., Member],
) -> None:
    round_id = open_round.public_id
    first = runner.invoke(args=["round", "invitations", round_id])
    assert first.exit_code == 0 and "6 codes handed out, 0 shown again" in first.stderr
    assert len(first.stdout.splitlines()) == 7
    only_new = runner.invoke(args=["round", "invitations", round_id, "--only-new"])
    assert only_new.stdout == "name,link,code\n"
    assert shown_again(session, open_round) == 0
    again = runner.invoke(args=["round", "invitations", round_id])
    assert "0 codes handed out, 6 shown again" in again.stderr
    assert "counted for the committee" in again.stderr
    assert shown_again(session, open_round) == 6
    # A late participant's line is their code's first showing, and so is a reissued one's.
    make_member("迟到者")
    added = runner.invoke(args=["round", "add-participant", round_id, "迟到者"])
    assert added.exit_code == 0 and "1 codes handed out, 0 shown again" in added.stderr
    reissued = runner.invoke(args=["round", "reissue", round_id, "迟到者", "--reason", "丢失"])
    assert reissued.exit_code == 0 and "1 codes handed out, 0 shown again" in reissued.stderr
    assert shown_again(session, open_round) == 6
    late = [i for i in open_round.invitations if i.member.name == "迟到者"]
    assert [i.code_sealed is None for i in late] == [True, False], "a replaced code is unreadable"
    assert reissued.stdout.strip().endswith(code_of(late[1]))


def test_two_showings_at_the_same_moment_are_both_counted(tmp_path: Path) -> None:
    """Two tabs (or two workers) that read the round before either counted: nothing is lost,
    and only one of them hands the codes out."""
    with fresh_database(tmp_path, "showing") as url:
        app = committed_app(url, tmp_path)
        with app.test_request_context():
            round_id = _committed_round(app)
            first, second = Session(db.engine), Session(db.engine, expire_on_commit=False)
            try:
                round_b = second.scalars(select(Round).where(Round.public_id == round_id)).one()
                assert all(i.times_shown == 0 for i in round_b.invitations)
                second.commit()  # what tab B read stays in memory, as in a concurrent request
                round_a = first.scalars(select(Round).where(Round.public_id == round_id)).one()
                shown_a = showing.show_codes(
                    first,
                    round_a,
                    "all",
                    channel="slips",
                    actor=None,
                    secret=TEST_SECRET,
                    now=utcnow(),
                )
                first.commit()
                shown_b = showing.show_codes(
                    second,
                    round_b,
                    "all",
                    channel="csv",
                    actor=None,
                    secret=TEST_SECRET,
                    now=utcnow(),
                )
                second.commit()
            finally:
                first.close()
                second.close()
            assert [s.again for s in shown_a] == [False] * 6
            assert [s.again for s in shown_b] == [True] * 6
            db.session.expire_all()  # what this context's own session read before
            check = db.session.scalars(select(Round).where(Round.public_id == round_id)).one()
            assert shown_again_count(check) == 6
            assert [e.kind for e in check.events][-2:] == ["codes_handed_out", "codes_shown_again"]
            db.session.close()
        with app.app_context():
            db.engine.dispose()


def _committed_round(app: Flask) -> str:
    from survey.auth.passwords import hash_password
    from survey.models import Branch

    session = db.session
    branch = Branch(slug="race", name="并发支部")
    first = User(username="s", password_hash=hash_password("x" * 12), branch=branch)
    first.roles = {"secretary", "committee"}
    second = User(username="c", password_hash=hash_password("x" * 12), branch=branch)
    second.roles = {"committee"}
    members = [Member(name=f"警官{i}", branch=branch) for i in range(6)]
    session.add_all([branch, first, second, *members])
    session.flush()
    round_, _ = make_collecting_round(app, session, branch, first, second, members)
    session.commit()
    return round_.public_id
