"""Stuffing, the n−1 attack, performed: the secretary fills other people's invitations.

DESIGN.md section 3, "Against insiders": whoever holds unused invitations can fill them with blank
answers so that only the target's answer remains. The attack cannot be prevented by the server
(the secretary hands out every code), so it must be seen: every stuffed invitation shows as used
on its owner's page and on the list printed for the meeting, every code shown again is counted on
the committee's facts, and a fake roster member is on every participant's list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Invitation, Member, User
from survey.rounds.clock import utcnow
from survey.rounds.invitations import add_participant, shown_again_count
from tests.factories import log_in
from tests.rounds_support import TEST_SECRET, OfficerClient, code_of, make_collecting_round
from tests.unseal_support import Collecting, close

FACT = re.compile(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>")
ROW = re.compile(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>")
CSV_ROW = re.compile(r"^([^,\n]+),[^,\n]+,([a-z2-9]{26})$", re.MULTILINE)


def status(officer: OfficerClient, code: str) -> dict[str, Any]:
    response = officer.post("invitation-status", {"invitation": code})
    assert response.status_code == 200, response.json
    return dict(response.json)


def stuff(officer: OfficerClient, code: str, section_id: str) -> None:
    """What a phone would do, with someone else's code and a blank answer."""
    token, signature = officer.obtain_token(code)
    sealed = officer.sealed({section_id: "无"})
    response = officer.post("answers", officer.answer_body(token, signature, sealed))
    assert response.status_code == 201


def secretary_client(app: Flask, secretary: User) -> FlaskClient:
    staff = app.test_client()
    log_in(staff, secretary.username)
    staff.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff


def test_stuffed_invitations_show_as_used_to_their_owners_and_on_the_printed_list(
    app: Flask,
    session: Session,
    collecting: Collecting,
    secretary: User,
) -> None:
    round_, officer = collecting.round, collecting.officer
    staff = secretary_client(app, secretary)
    # The secretary hands the codes out (their first showing, not counted) and keeps the file.
    download = staff.post(
        f"/secretary/rounds/{round_.public_id}/invitations.csv", data={"which": "new"}
    )
    codes = dict(CSV_ROW.findall(download.data.decode("utf-8-sig")))
    assert len(codes) == 12
    target = "民警0"
    victims = sorted(name for name in codes if name != target)
    for name in victims:
        stuff(officer, codes[name], collecting.section_ids[0])

    # During collection, each owner can already see that their invitation was used.
    for name in victims:
        assert status(officer, codes[name])["used"] is True, name
    mine = status(officer, codes[target])
    assert mine["used"] is False and sorted(mine["participants"]) == sorted(codes)
    assert "participation" not in mine

    close(app, session, round_, secretary)
    # After close, every participant's page shows whose invitation was used.
    for code in codes.values():
        seen = status(officer, code)["participation"]
        assert {p["name"]: p["used"] for p in seen} == {n: n != target for n in codes}
    # The committee prints the same list for the meeting.
    printed = staff.get(f"/committee/rounds/{round_.public_id}/participation")
    assert printed.status_code == 200 and printed.headers["Cache-Control"] == "no-store"
    rows = dict(ROW.findall(printed.data.decode()))
    assert rows == {n: ("Not used" if n == target else "Used") for n in codes}


def test_showing_codes_again_to_stuff_them_is_counted_for_the_committee(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    round_, officer = collecting.round, collecting.officer
    staff = secretary_client(app, secretary)
    slips = staff.post(f"/secretary/rounds/{round_.public_id}/slips", data={"which": "new"})
    assert slips.data.decode().count('class="slip"') == 12
    # The slips went out; to fill the unused invitations, the codes must be shown again.
    again = staff.post(
        f"/secretary/rounds/{round_.public_id}/invitations.csv", data={"which": "all"}
    )
    codes = dict(CSV_ROW.findall(again.data.decode("utf-8-sig")))
    for name in sorted(codes)[1:]:
        stuff(officer, codes[name], collecting.section_ids[0])
    close(app, session, round_, secretary)
    session.expire_all()
    assert shown_again_count(round_) == 12
    facts = dict(FACT.findall(staff.get(f"/committee/rounds/{round_.public_id}").data.decode()))
    assert facts["Codes shown again after handing out"] == "12"
    printed = staff.get(f"/committee/rounds/{round_.public_id}/participation").data.decode()
    assert dict(FACT.findall(printed))["Codes shown again after handing out"] == "12"


def test_fake_roster_members_are_on_every_participants_list(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Any,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> None:
    real = [make_member(f"真警官{i}") for i in range(5)]
    fake = [make_member("虚构甲"), make_member("虚构乙")]
    round_, _parts = make_collecting_round(
        app, session, branch, secretary, committee_user, real + fake
    )
    # One more fake, added late while collecting (logged, and seen all the same).
    late = make_member("虚构丙")
    with app.test_request_context():
        add_participant(session, round_, late, secretary, TEST_SECRET, now=utcnow())
    officer = OfficerClient(client, round_.public_id)
    for invitation in round_.invitations:
        if invitation.member in real:
            names = status(officer, code_of(invitation))["participants"]
            assert {"虚构甲", "虚构乙", "虚构丙"} <= set(names), names
            assert len(names) == 8 and names == sorted(names)
    assert "participants" not in officer.fetch_keys()


def test_a_replaced_invitation_that_was_used_still_counts_for_its_owner(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    """Use a code, then reissue it: the owner's name still shows as used, and reissued."""
    from survey.rounds.invitations import reissue_invitation

    round_, officer = collecting.round, collecting.officer
    invitation = next(i for i in round_.invitations if i.member.name == "民警3")
    code = code_of(invitation)
    officer.obtain_token(code)
    session.expire_all()
    with app.test_request_context():
        reissue_invitation(session, invitation, secretary, "手机丢失", TEST_SECRET, now=utcnow())
    reply = status(officer, code)
    assert reply["used"] is True and reply["reissued"] is True
    close(app, session, round_, secretary)
    people = {p["name"]: p["used"] for p in status(officer, code)["participation"]}
    assert people["民警3"] is True and len(people) == 12
    theirs = session.scalars(select(Invitation).where(Invitation.member_id == invitation.member_id))
    assert [i.used for i in sorted(theirs, key=lambda i: i.id)] == [True, False]
