"""Opening a round costs a fixed number of queries, whatever the number of participants.

Who holds a committee post is read from the roster for every participant (the minimum to
unseal, and what the round records at open); read one participant at a time, a 2,000-officer
round made some 4,000 queries (bench/round_e2e.py). Each step runs as a fresh request would:
nothing of the roster already in the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from survey.models import Branch, Member, Round, User
from survey.rounds import drafts, opening
from survey.rounds.clock import utcnow
from tests.factories import bind_custodians, log_in
from tests.rounds_support import TEST_SECRET


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session's connection runs inside the block."""
    statements: list[str] = []
    connection = session.connection()

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


@pytest.fixture
def draft_with(
    app: Flask,
    session: Session,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> Callable[[int], str]:
    """Makes a draft round with the two committee members and ``officers`` officers among its
    participants; its public id."""
    make_member(posts=("secretary",))
    make_member(posts=("discipline",))
    bind_custodians(session, secretary, committee_user)

    def draft(officers: int) -> str:
        committee = session.scalars(select(Member).where(Member.posts.any())).all()
        people = [*committee, *(make_member() for _ in range(officers))]
        with app.app_context():
            round_ = drafts.create_round(
                session,
                branch,
                secretary,
                drafts.DraftSettings(title="征求意见", custodian2=committee_user),
                now=utcnow(),
            )
            drafts.set_participants(session, round_, people)
        session.flush()
        return round_.public_id

    return draft


def fresh(session: Session, round_id: str) -> Round:
    """The round as a new request finds it: nothing else loaded."""
    session.flush()
    session.expunge_all()
    found = session.scalar(select(Round).where(Round.public_id == round_id))
    assert found is not None
    return found


def opening_queries(app: Flask, session: Session, round_id: str) -> list[int]:
    """Statements of each step as the web runs them: part 1, confirm 1, part 2, confirm 2."""
    counts = []
    with app.test_request_context():
        round_ = fresh(session, round_id)
        with counted(session) as statements:
            part1 = opening.start_opening(session, round_, round_.custodian1, now=utcnow())
        counts.append(len(statements))
        round_ = fresh(session, round_id)
        with counted(session) as statements:
            opening.confirm_part(session, round_, round_.custodian1, 1, part1, now=utcnow())
        counts.append(len(statements))
        round_ = fresh(session, round_id)
        with counted(session) as statements:
            part2 = opening.receive_part2(
                session, round_, round_.custodian2, TEST_SECRET, now=utcnow()
            )
        counts.append(len(statements))
        round_ = fresh(session, round_id)
        with counted(session) as statements:
            opening.confirm_part(session, round_, round_.custodian2, 2, part2, now=utcnow())
        counts.append(len(statements))
        assert fresh(session, round_id).state == "collecting"
    return counts


def test_opening_makes_as_many_queries_for_40_officers_as_for_8(
    app: Flask, session: Session, draft_with: Callable[[int], str]
) -> None:
    few = opening_queries(app, session, draft_with(8))
    many = opening_queries(app, session, draft_with(40))
    assert many == few


def dashboard_queries(app: Flask, session: Session, secretary: User, round_id: str) -> int:
    """Statements of one request for the secretary's dashboard of an opened round."""
    with app.test_request_context():
        opening.open_round_at_once(session, fresh(session, round_id), TEST_SECRET, now=utcnow())
    session.flush()
    session.expunge_all()
    client = app.test_client()
    assert log_in(client, secretary.username).status_code == 302
    with counted(session) as statements:
        page = client.get(f"/secretary/rounds/{round_id}")
    assert page.status_code == 200
    return len(statements)


def test_the_dashboard_makes_as_many_queries_for_40_officers_as_for_8(
    app: Flask, session: Session, secretary: User, draft_with: Callable[[int], str]
) -> None:
    few = dashboard_queries(app, session, secretary, draft_with(8))
    many = dashboard_queries(app, session, secretary, draft_with(40))
    assert many == few
