"""``survey demo``: the demo branch and logins, idempotent, passwords kept, never in production."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.cli.demo import LOGINS, MEMBERS
from survey.models import Branch, Member, User
from tests.factories import log_in
from tests.unseal_support import NO_REWRITE

# The demo's unsealed round is rewritten like any other; not inside the rolled-back session.
pytestmark = NO_REWRITE


def counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Branch)) or 0,
        session.scalar(select(func.count()).select_from(Member)) or 0,
        session.scalar(select(func.count()).select_from(User)) or 0,
    )


def logins_file(app: Flask) -> Path:
    return Path(app.instance_path) / "demo_logins.json"


def test_demo_loads_a_branch_with_roster_and_logins(
    runner: Any, app: Flask, session: Session, client: FlaskClient
) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    branch = session.scalar(select(Branch).where(Branch.slug == "demo"))
    assert branch is not None and branch.name == "示范派出所党支部"
    members = session.scalars(select(Member).where(Member.branch_id == branch.id)).all()
    assert len(members) == len(MEMBERS) == 25
    committee = [m for m in members if m.on_committee]
    assert len(committee) == 5
    assert {p for m in committee for p in m.post_names} == {
        "secretary", "deputy_secretary", "organization", "publicity", "discipline"
    }
    assert {m.category for m in members} == {"party_member", "probationary", "non_member"}
    passwords = json.loads(logins_file(app).read_text(encoding="utf-8"))
    assert set(passwords) == {username for username, _, _ in LOGINS}
    for username, password in passwords.items():
        assert f"{username:<10}  {password}" in result.stdout
    secretary = session.scalar(select(User).where(User.username == "secretary"))
    assert secretary is not None
    assert secretary.roles == {"secretary", "committee"} and secretary.display_name == "王建国"
    assert log_in(client, "secretary", passwords["secretary"]).status_code == 302
    assert "王建国" in client.get("/secretary/roster").get_data(as_text=True)


def test_the_passwords_file_is_private(runner: Any, app: Flask) -> None:
    runner.invoke(args=["demo"])
    mode = stat.S_IMODE(logins_file(app).stat().st_mode)
    assert mode == 0o600


def test_running_twice_changes_nothing_and_prints_the_same_logins(
    runner: Any, session: Session
) -> None:
    first = runner.invoke(args=["demo"])
    before = counts(session)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts(session) == before
    assert second.stdout == first.stdout
    assert "nothing changed" in second.stderr


def test_a_kept_password_is_reused_for_a_fresh_database(
    runner: Any, app: Flask, session: Session, client: FlaskClient
) -> None:
    logins_file(app).write_text(json.dumps({"jijian": "kept-pass-word"}), encoding="utf-8")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "kept-pass-word" in result.stdout
    assert log_in(client, "jijian", "kept-pass-word").status_code == 302


@pytest.mark.settings(
    PRODUCTION=True, OPENING_ARGON2_MEMORY_KIB=65536, OPENING_ARGON2_TIME_COST=3
)
def test_demo_refuses_in_production(runner: Any, session: Session) -> None:
    before = counts(session)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: refusing to load demo data: PRODUCTION is set"
    assert counts(session) == before


def test_demo_rounds_show_a_summary_and_a_collecting_round(runner: Any, session: Session) -> None:
    from survey.models import OpinionItem, Round, SealedAnswer

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    session.expire_all()
    rounds = {r.state: r for r in session.scalars(select(Round))}
    assert set(rounds) == {"summarising", "collecting"}
    unsealed = rounds["summarising"]
    assert unsealed.answers_at_close == 15 and unsealed.unreadable_answers == 0
    items = session.scalar(
        select(func.count()).select_from(OpinionItem).where(OpinionItem.round_id == unsealed.id)
    )
    assert items and items >= 15
    sealed = session.scalars(select(SealedAnswer.round_id)).all()  # unsealed rows are wiped
    assert sealed == [rounds["collecting"].id] * 8  # the collecting round's answers so far
    assert f"round {rounds['collecting'].public_id}" in first.stdout
    again = runner.invoke(args=["demo"])
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Round)) == 2
    assert again.stdout == first.stdout
