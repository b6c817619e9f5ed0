"""Unsealing a closed round through the real API, the committee's form and the command line.

The helpers at the top build unsealed rounds for the other committee test modules.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import opening
from survey.models import (
    Branch,
    Member,
    OpinionItem,
    RoundEvent,
    SpentToken,
    Theme,
    User,
)
from survey.rounds.clock import utcnow
from survey.rounds.errors import WrongState
from survey.rounds.unseal import BelowMinimum, unseal_round
from tests.factories import log_in
from tests.unseal_support import (
    NO_REWRITE,
    SAMPLE_ANSWERS,
    Collecting,
    assert_unchanged,
    close,
    closed_with,
    custodian_clients,
    give_part,
    in_english,
    post_unseal,
    sealed_count,
    start_round,
)


def test_unseal_through_the_web_form(
    app: Flask,
    session: Session,
    collecting: Collecting,
    secretary: User,
    client: FlaskClient,
) -> None:
    receipts = [collecting.submit(answer) for answer in SAMPLE_ANSWERS]
    close(app, session, collecting.round, secretary)
    part1, part2 = collecting.parts
    response = post_unseal(app, collecting.round, part1, part2)
    assert response.status_code == 302, response.data.decode()
    round_ = collecting.round
    session.expire_all()
    assert round_.state == "summarising"
    assert round_.unsealed_on is not None
    assert round_.seal_key_wrapped is None
    assert round_.unreadable_answers == 0 and round_.unknown_section_texts == 0
    assert sealed_count(session, round_) == 0
    spent = session.scalars(select(SpentToken).where(SpentToken.round_id == round_.id)).all()
    assert sorted(s.spent_key.hex() for s in spent) == sorted(receipts)  # receipts stay
    assert all(s.sealed_hash is None for s in spent)
    items = session.scalars(select(OpinionItem).where(OpinionItem.round_id == round_.id)).all()
    texts = {item.text for item in items}
    assert "值班安排要更合理，夜班后应保证休息" in texts  # numbered list split
    assert "业务培训太少，希望每季度组织一次" in texts
    assert "业务培训应该结合实战案例" in texts  # traditional → simplified
    assert any(t.startswith("ABC书记") for t in texts)  # full width → half width
    assert not any(ch in t for t in texts for ch in "業務訓ＡＢＣ")
    assert all(item.channel == "survey" and item.day is None for item in items)
    assert all(item.theme_id is not None for item in items)
    assert session.scalars(select(Theme).where(Theme.round_id == round_.id)).all()
    logged = session.scalars(
        select(RoundEvent).where(RoundEvent.round_id == round_.id, RoundEvent.kind == "unsealed")
    ).one()
    assert logged.detail == {
        "answers": 7,
        "unreadable": 0,
        "unknown_section_texts": 0,
        "items": len(items),
        "themes": logged.detail["themes"],
    }
    log_in(client, secretary.username)
    page = client.get(response.headers["Location"]).data.decode()
    assert "值班安排要更合理" in page


pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


def test_parts_in_either_order_and_case_without_dashes(
    app: Flask, session: Session, collecting: Collecting, secretary: User, client: FlaskClient
) -> None:
    closed_with(app, session, collecting, secretary, 5)
    part1, part2 = collecting.parts
    first, second = custodian_clients(app, collecting.round)
    # Custodian 2 gives their part first, in lower case without dashes; then custodian 1.
    kept = give_part(second, collecting.round.public_id, part2.lower().replace("-", ""))
    assert kept.status_code == 302
    response = give_part(first, collecting.round.public_id, part1.lower())
    assert response.status_code == 302
    session.expire_all()
    assert collecting.round.state == "summarising"


# --- refusals: nothing changes ------------------------------------------------------------


def test_below_the_minimum_is_refused_with_a_clear_message(
    app: Flask, session: Session, collecting: Collecting, secretary: User, client: FlaskClient
) -> None:
    closed_with(app, session, collecting, secretary, 4)
    log_in(client, secretary.username)
    page = client.get(f"/committee/rounds/{collecting.round.public_id}").data.decode()
    assert "4 answers were received and at least 5 valid answers are needed" in page
    assert "/custodian/rounds/" not in page  # nothing to give a part to
    response = post_unseal(app, collecting.round, *collecting.parts)
    assert response.status_code == 400
    assert "at least 5 valid answers are needed" in response.data.decode()
    assert_unchanged(session, collecting.round, 4)


def test_a_committee_member_among_participants_raises_the_minimum(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
    make_member: Callable[..., Member],
) -> None:
    member_on_committee = make_member("委员甲", posts=("publicity",))
    collecting = start_round(
        app, session, client, branch, secretary, committee_user, [*members, member_on_committee]
    )
    closed_with(app, session, collecting, secretary, 5)
    with in_english(app), pytest.raises(BelowMinimum, match="at least 6 valid answers"):
        unseal_round(session, collecting.round, *collecting.parts, now=utcnow(), actor=None)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("wrong2", "Part 2 does not open this round"),
        ("wrong1", "Part 1 does not open this round"),
        ("typo1", "Part 1 is mistyped"),
        ("typo2", "Part 2 is mistyped"),
        ("same", "You are custodian 2: type your own part"),
    ],
)
def test_a_wrong_or_mistyped_part_names_the_part_and_changes_nothing(
    app: Flask,
    session: Session,
    collecting: Collecting,
    secretary: User,
    client: FlaskClient,
    which: str,
    message: str,
) -> None:
    closed_with(app, session, collecting, secretary, 5)
    part1, part2 = collecting.parts
    typed = {
        "wrong2": (part1, opening.new_part(2)),
        "wrong1": (opening.new_part(1), part2),
        "typo1": (mistype(part1), part2),
        "typo2": (part1, mistype(part2)),
        "same": (part1, part1),
    }[which]
    response = post_unseal(app, collecting.round, *typed)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert_unchanged(session, collecting.round, 5)


def mistype(part: str) -> str:
    """Swap two different neighbouring symbols: the check character catches it."""
    chars = list(part)
    for i in range(5, len(chars) - 1):
        if chars[i] != chars[i + 1] and "-" not in (chars[i], chars[i + 1]):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            return "".join(chars)
    raise AssertionError("no two different neighbours")


def test_only_closed_rounds_can_be_unsealed(
    app: Flask, session: Session, collecting: Collecting
) -> None:
    collecting.submit(SAMPLE_ANSWERS[0])
    with in_english(app), pytest.raises(WrongState, match="Only a closed round"):
        unseal_round(session, collecting.round, *collecting.parts, now=utcnow(), actor=None)
