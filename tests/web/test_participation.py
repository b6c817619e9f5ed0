"""The invitation-status reply in every state, and committee posts frozen when a round opens.

DESIGN.md section 6 (invitation status) and section 3 ("Moving the minimum").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Member, Round, User
from survey.roster import services as roster
from survey.rounds import drafts, lifecycle, opening
from survey.rounds.clock import utcnow
from survey.rounds.invitations import reissue_invitation
from survey.rounds.requirements import required_answers
from survey.rounds.unseal import unseal_round
from tests.factories import log_in
from tests.rounds_support import TEST_SECRET, OfficerClient, code_of
from tests.unseal_support import Collecting, close, post_unseal


def status(officer: OfficerClient, code: str) -> Any:
    return officer.post("invitation-status", {"invitation": code})


def test_status_while_collecting_says_used_reissued_and_who_takes_part(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    round_, officer = collecting.round, collecting.officer
    first, second = round_.invitations[:2]
    officer.obtain_token(code_of(first))
    used = status(officer, code_of(first).upper())
    names = sorted(i.member.name for i in round_.invitations)
    assert used.status_code == 200
    assert used.json == {"used": True, "reissued": False, "participants": names}
    unused = status(officer, " ".join(code_of(second)[i : i + 4] for i in range(0, 26, 4)))
    assert unused.json == {"used": False, "reissued": False, "participants": names}
    old_code = code_of(second)
    with app.test_request_context():
        reissue_invitation(session, second, secretary, "换手机", TEST_SECRET, now=utcnow())
    replaced = status(officer, old_code).json
    assert replaced["reissued"] is True and replaced["used"] is False
    assert replaced["participants"] == names, "one name per person, reissue or not"


@pytest.mark.parametrize("final_state", ["closed", "summarising", "discarded"])
def test_after_close_every_holder_sees_who_used_their_invitation(
    app: Flask, session: Session, collecting: Collecting, secretary: User, final_state: str
) -> None:
    round_, officer = collecting.round, collecting.officer
    for _ in range(5 if final_state == "summarising" else 2):
        collecting.submit({0: "值班安排要更合理"})
    close(app, session, round_, secretary)
    if final_state == "summarising":
        with app.app_context():
            unseal_round(session, round_, *collecting.parts, now=utcnow(), actor=None)
    elif final_state == "discarded":
        with app.app_context():
            lifecycle.discard_round(session, round_, secretary, now=utcnow())
    session.flush()
    assert round_.state == final_state
    reply = status(officer, code_of(round_.invitations[-1])).json
    participation = reply["participation"]
    assert [p["name"] for p in participation] == reply["participants"]
    assert reply["participants"] == sorted(reply["participants"])
    used = 5 if final_state == "summarising" else 2
    assert sum(p["used"] for p in participation) == used and len(participation) == 12
    assert set(participation[0]) == {"name", "used"}
    assert officer.fetch_keys()["state"] in ("closed", "unsealed", "discarded")
    assert "participation" not in officer.keys and "participants" not in officer.keys


def test_status_is_only_for_the_holder_of_a_code(
    collecting: Collecting, client: FlaskClient
) -> None:
    officer = collecting.officer
    for code in ("zzzzzzzzzzzzzzzzzzzzzzzzzz", "", "   ", "-"):
        refused = status(officer, code)
        assert refused.status_code in (400, 403) and "participants" not in refused.json
    assert status(officer, "z" * 26).json["error"] == "unknown_invitation"
    assert status(officer, "").json["error"] == "malformed"
    not_json = client.post(
        f"/api/v1/rounds/{collecting.round.public_id}/invitation-status", data="{}"
    )
    assert not_json.status_code == 415
    bad_body = officer.post("invitation-status", ["not", "an", "object"])
    assert bad_body.status_code == 400
    assert officer.post("invitation-status", {"invitation": 42}).status_code == 400


def test_a_code_of_another_round_is_unknown_here(
    app: Flask,
    session: Session,
    collecting: Collecting,
    make_member: Callable[..., Member],
    branch: Any,
    secretary: User,
    committee_user: User,
) -> None:
    from tests.rounds_support import make_collecting_round

    other, _ = make_collecting_round(
        app, session, branch, secretary, committee_user, [make_member() for _ in range(5)]
    )
    foreign = code_of(other.invitations[0])
    assert status(collecting.officer, foreign).json["error"] == "unknown_invitation"


# --- committee posts frozen at open -------------------------------------------------------


def open_with_committee_participants(
    app: Flask,
    session: Session,
    branch: Any,
    secretary: User,
    second: User,
    make_member: Callable[..., Member],
) -> tuple[Round, tuple[str, str], list[Member]]:
    """Eight officers and the two committee members take part: unsealing needs 5 + 2."""
    chair = make_member("张书记", posts=("secretary",))
    inspector = make_member("李纪检", posts=("discipline",))
    officers = [make_member(f"警官{i}") for i in range(8)]
    secretary.member, second.member = chair, inspector  # the custodians are these two people
    session.flush()
    with app.test_request_context():
        round_ = drafts.create_round(
            session,
            branch,
            secretary,
            drafts.DraftSettings(title="冻结", custodian2=second),
            now=utcnow(),
        )
        drafts.set_participants(session, round_, [chair, inspector, *officers])
        assert required_answers(round_) == 7
        parts = opening.open_round_at_once(session, round_, TEST_SECRET, now=utcnow())
    return round_, parts, [chair, inspector]


def test_removing_committee_posts_after_close_does_not_lower_the_minimum(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Any,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> None:
    round_, parts, committee = open_with_committee_participants(
        app, session, branch, secretary, committee_user, make_member
    )
    sections_before = [(s.key, s.kind, s.title, s.member_id) for s in round_.sections]
    officer = OfficerClient(client, round_.public_id)
    section = officer.fetch_keys()["sections"][0]["id"]
    for invitation in round_.invitations[:6]:  # six answers: enough for k = 5, not for 5 + 2
        token, signature = officer.obtain_token(code_of(invitation))
        sealed = officer.sealed({section: "意见"})
        assert (
            officer.post("answers", officer.answer_body(token, signature, sealed)).status_code
            == 201
        )
    close(app, session, round_, secretary)
    # The attack: strip the posts from the roster so that the round "needs" only k.
    with app.test_request_context():
        for member in committee:
            data = roster.MemberData(name=member.name, category=member.category, posts=())
            roster.update_member(session, member, data)
        session.flush()
    session.expire_all()
    assert not any(m.posts for m in committee)
    assert required_answers(round_) == 7
    assert lifecycle.below_minimum(round_)
    log_in(client, secretary.username)
    refused = post_unseal(app, round_, *parts)
    assert refused.status_code in (400, 409)
    session.expire_all()
    assert round_.state == "closed"
    assert [(s.key, s.kind, s.title, s.member_id) for s in round_.sections] == sections_before


def test_posts_given_after_open_do_not_raise_the_minimum_either(
    app: Flask,
    session: Session,
    branch: Any,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> None:
    round_, _parts, _committee = open_with_committee_participants(
        app, session, branch, secretary, committee_user, make_member
    )
    officer = next(i.member for i in round_.invitations if i.member.name == "警官0")
    with app.test_request_context():
        data = roster.MemberData(name=officer.name, category=officer.category, posts=("publicity",))
        roster.update_member(session, officer, data)
        session.flush()
    assert officer.posts and required_answers(round_) == 7
    opened = [e for e in round_.events if e.kind == "opened"]
    assert opened[0].detail["committee_participants"] == 2
