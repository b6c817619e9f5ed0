"""The secretary's and custodians' pages: draft, two-step opening, dashboard, close, discard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import blindrsa
from survey.models import Invitation, Member, Round, RoundEvent, User
from survey.rounds.wire import b64u_encode
from tests.factories import log_in
from tests.rounds_support import PART_ON_PAGE as PART
from tests.rounds_support import OfficerClient, code_of, open_both_steps
from tests.unseal_support import NO_REWRITE


@pytest.fixture
def roster(
    make_member: Callable[..., Member], secretary: User, committee_user: User, session: Session
) -> dict[str, Any]:
    chair = make_member("王书记", posts=("secretary",))
    inspector = make_member("李纪检", posts=("discipline", "organization"))
    # The custodians' accounts belong to these two people (one member, one account).
    secretary.member, committee_user.member = chair, inspector
    session.flush()
    officers = [
        make_member(f"民警{i:02d}", category="non_member" if i % 3 else "party_member")
        for i in range(9)
    ]
    return {"chair": chair, "inspector": inspector, "officers": officers}


def create_draft(client: FlaskClient, second: User, **extra: Any) -> str:
    data = {
        "title": "2026年民主生活会征求意见",
        "intro": "请大家畅所欲言",
        "min_answers": "5",
        "custodian2": second.public_id,
        **extra,
    }
    response = client.post("/secretary/rounds/new", data=data)
    assert response.status_code == 302, response.data.decode()
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_draft_defaults_follow_the_roster(
    as_secretary: FlaskClient, committee_user: User, roster: dict[str, Any], session: Session
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    names = sorted(i.member.name for i in round_.invitations)
    assert names == sorted(m.name for m in roster["officers"])
    titles = [s.title for s in round_.sections]
    assert titles == [
        "对支部班子的意见建议",
        "对书记王书记同志的意见建议",
        "对组织委员、纪检委员李纪检同志的意见建议",
        "其他意见建议",
    ]
    page = as_secretary.get(f"/secretary/rounds/{round_id}").data.decode()
    assert "民警00" in page and "李纪检" in page


def test_k_below_three_is_refused(
    as_secretary: FlaskClient, committee_user: User, roster: Any, session: Session
) -> None:
    response = as_secretary.post(
        "/secretary/rounds/new",
        data={"title": "x", "min_answers": "2", "custodian2": committee_user.public_id},
    )
    assert response.status_code == 400
    assert session.scalar(select(Round).where(Round.title == "x")) is None


def test_two_step_opening_then_frozen(
    app: Flask, as_secretary: FlaskClient, committee_user: User, roster: Any, session: Session
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    shown = as_secretary.post(f"/secretary/rounds/{round_id}/open")
    part1 = PART.search(shown.data.decode()).group(1)
    wrong = as_secretary.post(
        f"/secretary/rounds/{round_id}/confirm-part", data={"typed": "1AAA-AAAA-AAAA-AAAA"}
    )
    assert wrong.status_code == 400 and 'id="part"' not in wrong.data.decode()
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    session.refresh(round_)
    assert (
        round_.state == "opening"
        and not round_.part1_confirmed
        and round_.token_key_wrapped is None
    )
    as_secretary.post(f"/secretary/rounds/{round_id}/confirm-part", data={"typed": part1})
    page = as_secretary.get(f"/secretary/rounds/{round_id}").data.decode()
    assert committee_user.label in page
    other = app.test_client()
    log_in(other, committee_user.username)
    shown2 = other.post(f"/committee/rounds/{round_id}/part")
    part2 = PART.search(shown2.data.decode()).group(1)
    other.post(f"/committee/rounds/{round_id}/confirm-part", data={"typed": part2})
    session.refresh(round_)
    assert round_.state == "collecting" and round_.fingerprint
    assert all(i.code_hash and i.code_sealed for i in round_.invitations)
    frozen = as_secretary.post(
        f"/secretary/rounds/{round_id}/draft",
        data={"title": "x", "min_answers": "5", "custodian2": committee_user.public_id},
    )
    assert frozen.status_code == 409
    session.refresh(round_)
    assert len(round_.invitations) == 9, "participants are frozen once the round opens"
    kinds = [
        e.kind for e in session.scalars(select(RoundEvent).where(RoundEvent.round_id == round_.id))
    ]
    assert kinds == [
        "created",
        "opening_started",
        "custodian_confirmed",
        "custodian_confirmed",
        "opened",
    ]


def test_only_the_chosen_custodian_receives_part_two(
    app: Flask,
    as_secretary: FlaskClient,
    committee_user: User,
    make_user: Callable[..., User],
    roster: Any,
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    part1 = PART.search(
        as_secretary.post(f"/secretary/rounds/{round_id}/open").data.decode()
    ).group(1)
    as_secretary.post(f"/secretary/rounds/{round_id}/confirm-part", data={"typed": part1})
    intruder = make_user("xuanchuan", roles=("committee",))
    other = app.test_client()
    log_in(other, intruder.username)
    response = other.post(f"/committee/rounds/{round_id}/part")
    assert response.status_code == 403
    assert 'id="part"' not in response.data.decode()


def test_dashboard_never_counts_answers_while_collecting(
    app: Flask, as_secretary: FlaskClient, committee_user: User, roster: Any, session: Session
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    open_both_steps(app, as_secretary, committee_user, round_id)
    page = as_secretary.get(f"/secretary/rounds/{round_id}").data.decode()
    assert "why-no-count" in page
    assert "Answers received" not in page and "收到的答卷" not in page
    unused = as_secretary.get(f"/secretary/rounds/{round_id}?show=unused").data.decode()
    assert unused.count("badge-unused") == 9


def test_reissue_makes_the_old_code_answer_reissued(
    app: Flask,
    as_secretary: FlaskClient,
    committee_user: User,
    roster: Any,
    session: Session,
    client: FlaskClient,
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    open_both_steps(app, as_secretary, committee_user, round_id)
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    old = round_.invitations[0]
    old_code = code_of(old)
    response = as_secretary.post(
        f"/secretary/rounds/{round_id}/reissue",
        data={"invitation": old.public_id, "reason": "手机丢失"},
    )
    assert response.status_code == 302
    officer = OfficerClient(app.test_client(), round_id)
    officer.fetch_keys()
    blinded = blindrsa.blind(
        officer.public_key(), blindrsa.prepare(blindrsa.build_token_message(round_id))
    )
    answer = officer.post(
        "tokens", {"invitation": old_code, "blinded_msg": b64u_encode(blinded.blinded_msg)}
    )
    assert answer.status_code == 403 and answer.json["error"] == "invitation_reissued"
    session.expire_all()
    replacement = session.scalar(
        select(Invitation).where(
            Invitation.member_id == old.member_id, Invitation.superseded.is_(False)
        )
    )
    officer.obtain_token(code_of(replacement))
    assert session.get(Invitation, old.id).superseded
    events = session.scalars(
        select(RoundEvent).where(RoundEvent.kind == "invitation_reissued")
    ).all()
    assert events and events[0].detail["reason"] == "手机丢失" and "code" not in events[0].detail


@NO_REWRITE
def test_close_shows_counts_and_the_board(
    app: Flask, as_secretary: FlaskClient, committee_user: User, roster: Any, session: Session
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    open_both_steps(app, as_secretary, committee_user, round_id)
    board = app.test_client().get(f"/r/{round_id}/board")
    assert board.status_code == 404
    assert as_secretary.post(f"/secretary/rounds/{round_id}/close").status_code == 302
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    session.refresh(round_)
    assert (
        round_.state == "closed"
        and round_.token_key_wrapped is None
        and round_.answers_at_close == 0
    )
    assert app.test_client().get(f"/r/{round_id}/board").data == b""
    page = as_secretary.get(f"/secretary/rounds/{round_id}").data.decode()
    assert "discard" in page
    assert as_secretary.post(f"/secretary/rounds/{round_id}/discard").status_code == 302
    session.refresh(round_)
    assert round_.state == "discarded"


def test_slips_and_csv(
    app: Flask, as_secretary: FlaskClient, committee_user: User, roster: Any, session: Session
) -> None:
    round_id = create_draft(as_secretary, committee_user)
    open_both_steps(app, as_secretary, committee_user, round_id)
    assert as_secretary.get(f"/secretary/rounds/{round_id}/slips").status_code == 405
    slips = as_secretary.post(f"/secretary/rounds/{round_id}/slips", data={"which": "new"})
    html = slips.data.decode()
    assert html.count('class="slip"') == 9 and html.count('class="sheet"') == 2
    assert html.count("<svg") == 9 and "style=" not in html
    assert f"/i#r={round_id}" in html, "a code typed by hand needs its round"
    assert slips.headers["Cache-Control"] == "no-store"
    csv_text = as_secretary.post(
        f"/secretary/rounds/{round_id}/invitations.csv", data={"which": "all"}
    ).data.decode("utf-8")
    lines = csv_text.lstrip("\ufeff").split("\n")
    assert lines[0] == "name,link,code" and len([x for x in lines if x]) == 10
    _name, link, code = lines[1].split(",")
    assert f"/i#r={round_id}&c={code}&fp=" in link


def test_new_round_suggests_the_discipline_member_as_second_custodian(
    as_secretary: FlaskClient, make_user: Callable[..., User], roster: dict[str, Any]
) -> None:
    inspector = make_user("lijijian", roles=("committee",), display_name="李纪检")
    page = as_secretary.get("/secretary/rounds/new").data.decode()
    assert f'<option selected value="{inspector.public_id}">' in page or (
        f'value="{inspector.public_id}" selected' in page
    )
