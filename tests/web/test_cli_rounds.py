"""``survey round …`` through Flask's CLI runner: the operator's path, and refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import opening
from survey.models import Branch, Member, Round, User
from tests.unseal_support import NO_REWRITE

PART = re.compile(r"^[12][0-9A-Z]{3}(-[0-9A-Z]{4}){3}$")


@pytest.fixture
def setup(
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
    session: Session,
) -> list[Member]:
    secretary.member = make_member("王书记", posts=("secretary",))
    committee_user.member = make_member("李纪检", posts=("discipline",))
    session.flush()
    return [make_member(f"民警{i}") for i in range(7)]


def create(runner: Any, *extra: str) -> str:
    result = runner.invoke(args=["round", "create", "demo-test", "--title", "测试轮次", *extra])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_create_open_invitations_close(runner: Any, setup: list[Member], session: Session) -> None:
    round_id = create(runner, "--deadline", "2099-12-31T18:00", "--min-answers", "5")
    assert re.fullmatch(r"[a-z0-9]+", round_id)
    opened = runner.invoke(args=["round", "open", round_id])
    assert opened.exit_code == 0, opened.stderr
    first = opened.stdout.splitlines()[0]
    part1, part2 = first.split(" ")
    assert PART.match(part1) and PART.match(part2) and part1[0] == "1" and part2[0] == "2"
    listing = runner.invoke(args=["round", "invitations", round_id, "--format", "csv"])
    assert listing.exit_code == 0
    assert not listing.stdout.startswith("\ufeff") and "\r" not in listing.stdout
    lines = listing.stdout.rstrip("\n").split("\n")
    assert lines[0] == "name,link,code" and len(lines) == 8
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    assert round_.deadline is not None and round_.deadline.hour == 10, "18:00 Shanghai is 10:00 UTC"
    opening.check_part(round_.seal_key_wrapped, part1, 1)
    opening.check_part(round_.seal_key_wrapped, part2, 2)
    closed = runner.invoke(args=["round", "close", round_id])
    assert closed.exit_code == 0 and "answers 0" in closed.stdout
    session.refresh(round_)
    assert round_.state == "closed" and round_.token_key_wrapped is None


@NO_REWRITE
def test_late_participant_reissue_extend_discard(
    runner: Any, setup: list[Member], make_member: Callable[..., Member], session: Session
) -> None:
    round_id = create(runner)
    runner.invoke(args=["round", "open", round_id])
    make_member("迟到者")
    added = runner.invoke(args=["round", "add-participant", round_id, "迟到者"])
    assert added.exit_code == 0 and added.stdout.startswith("迟到者,")
    again = runner.invoke(args=["round", "reissue", round_id, "迟到者", "--reason", "链接失效"])
    assert again.exit_code == 0 and again.stdout.split(",")[2] != added.stdout.split(",")[2]
    extended = runner.invoke(args=["round", "extend", round_id, "--deadline", "2099-01-01"])
    assert extended.exit_code == 0
    assert runner.invoke(args=["round", "close", round_id]).exit_code == 0
    assert runner.invoke(args=["round", "discard", round_id]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["round", "create", "nosuchbranch", "--title", "x"], "no branch"),
        (["round", "open", "nosuchround"], "no round"),
        (["round", "close", "nosuchround"], "no round"),
        (["round", "create", "demo-test", "--title", "x", "--deadline", "tomorrow"], "ISO 8601"),
        (["round", "create", "demo-test", "--title", "x", "--min-answers", "2"], "3"),
    ],
)
def test_bad_input_exits_non_zero_with_a_reason(
    runner: Any, setup: list[Member], args: list[str], reason: str
) -> None:
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, "one-line reason"
    assert result.stdout == ""


def test_closing_a_draft_is_refused(runner: Any, setup: list[Member]) -> None:
    round_id = create(runner)
    result = runner.invoke(args=["round", "close", round_id])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
