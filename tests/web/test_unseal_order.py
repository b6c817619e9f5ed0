"""No arrival order after unseal: items of all answers shuffled together; the CLI unseal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey.crypto import opening
from survey.models import (
    OpinionItem,
    Round,
    User,
)
from tests.conftest import on_postgres
from tests.unseal_support import (
    NO_REWRITE,
    Collecting,
    assert_unchanged,
    close,
    closed_with,
    kendall_tau,
    unseal,
)

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


# --- no arrival order ------------------------------------------------------------------------


@pytest.fixture
def insert_order() -> Iterator[list[str]]:
    """The texts of items in the order the ORM inserts them."""
    seen: list[str] = []

    def record(_mapper: Any, _connection: Any, target: OpinionItem) -> None:
        seen.append(target.text)

    event.listen(OpinionItem, "before_insert", record)
    yield seen
    event.remove(OpinionItem, "before_insert", record)


def numbered_answers(n: int, points: int) -> list[dict[int, str]]:
    return [
        {0: "\n".join(f"{p + 1}. 第{a:02d}份意见的第{p + 1}点关于值班安排" for p in range(points))}
        for a in range(n)
    ]


def answer_number(item_text: str) -> int:
    return int(item_text[1:3])


def test_items_of_all_answers_are_shuffled_together(
    app: Flask,
    session: Session,
    collecting: Collecting,
    secretary: User,
    insert_order: list[str],
) -> None:
    for answer in numbered_answers(10, 3):
        collecting.submit(answer)
    close(app, session, collecting.round, secretary)
    unseal(app, session, collecting.round, collecting.parts)
    assert len(insert_order) == 30
    numbers = [answer_number(t) for t in insert_order]
    # Without a shuffle over all items, each answer's three items are written next to each other.
    together = sum(
        1 for a in range(10) if _contiguous([i for i, n in enumerate(numbers) if n == a])
    )
    assert together < 5, numbers
    assert numbers != sorted(numbers)


def _contiguous(positions: list[int]) -> bool:
    return positions == list(range(positions[0], positions[0] + len(positions)))


def physical_order(session: Session, round_: Round) -> list[str]:
    """Item texts in storage order: ctid on PostgreSQL; the table's own order on SQLite."""
    if on_postgres():
        sql = "SELECT text FROM opinion_items WHERE round_id = :r ORDER BY ctid"
    else:
        sql = "SELECT text FROM opinion_items WHERE round_id = :r"
    return list(session.execute(text(sql), {"r": round_.id}).scalars())


def test_storage_order_does_not_follow_arrival(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    for answer in numbered_answers(12, 1):
        collecting.submit(answer)
    close(app, session, collecting.round, secretary)
    unseal(app, session, collecting.round, collecting.parts)
    stored = [answer_number(t) for t in physical_order(session, collecting.round)]
    assert sorted(stored) == list(range(12))
    # A random order of 12 has |tau| > 0.7 with probability below 1e-3.
    assert abs(kendall_tau(stored)) < 0.7, stored
    if not on_postgres():
        with pytest.raises(OperationalError):
            session.execute(text("SELECT rowid FROM opinion_items")).all()
        ids = list(session.execute(text("SELECT id FROM opinion_items")).scalars())
        assert ids == sorted(ids)  # stored by the random key itself (WITHOUT ROWID)


# --- the command line ----------------------------------------------------------------------


def test_cli_unseal_reads_both_parts_from_stdin(
    app: Flask, session: Session, collecting: Collecting, secretary: User, runner: Any
) -> None:

    closed_with(app, session, collecting, secretary, 5)
    part1, part2 = collecting.parts
    result = runner.invoke(
        args=["round", "unseal", collecting.round.public_id],
        input=f"{part2.lower()}\n{part1.replace('-', '')}\n",
    )
    assert result.exit_code == 0, result.output
    assert "answers 5" in result.stdout
    session.expire_all()
    assert collecting.round.state == "summarising"


@pytest.mark.settings(BABEL_DEFAULT_LOCALE="en")
def test_cli_unseal_wrong_part_exits_non_zero(
    app: Flask, session: Session, collecting: Collecting, secretary: User, runner: Any
) -> None:

    closed_with(app, session, collecting, secretary, 5)
    result = runner.invoke(
        args=["round", "unseal", collecting.round.public_id],
        input=f"{collecting.parts[0]} {opening.new_part(2)}",
    )
    assert result.exit_code != 0
    assert "Part 2 does not open this round" in result.output
    result = runner.invoke(
        args=["round", "unseal", collecting.round.public_id], input="only-one-part"
    )
    assert result.exit_code != 0 and "two parts" in result.output
    assert_unchanged(session, collecting.round, 5)


def test_cli_unseal_unknown_round(runner: Any) -> None:

    result = runner.invoke(args=["round", "unseal", "nosuchround"], input="a b")
    assert result.exit_code != 0
