"""An unsealed round in ``summarising`` with two known themes in its first section, for the
tests of the committee's editing (imported by those modules, fixtures included)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Branch, Member, OpinionItem, Round, RoundEvent, Theme, User
from survey.models.base import Base
from survey.summary.query import ThemeView, build_summary
from tests.factories import log_in
from tests.unseal_support import build_unsealed, make_branch_people


@pytest.fixture
def editable(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> Round:
    """Unsealed through the real API; the first section holds 业务培训 and 值班安排."""
    members = make_branch_people(make_member)
    round_ = build_unsealed(app, session, client, branch, secretary, committee_user, members)
    section = round_.sections[0]
    training = Theme(round_id=round_.id, section_id=section.id, machine_label="业务培训")
    rest = Theme(round_id=round_.id, section_id=section.id, machine_label="值班安排")
    session.add_all([training, rest])
    session.flush()
    for item in session.scalars(select(OpinionItem).where(OpinionItem.section_id == section.id)):
        item.theme_id = training.id if "培训" in item.text else rest.id
    session.flush()
    log_in(client, committee_user.username)
    return round_


def url(round_: Round, tail: str) -> str:
    return f"/committee/rounds/{round_.public_id}/{tail}"


def team_themes(session: Session, round_: Round) -> list[ThemeView]:
    session.expire_all()
    return list(build_summary(session, round_).sections[0].themes)


def last_edit(session: Session, round_: Round) -> RoundEvent:
    return session.scalars(
        select(RoundEvent)
        .where(RoundEvent.round_id == round_.id, RoundEvent.kind == "summary_edited")
        .order_by(RoundEvent.id.desc())
    ).first()  # type: ignore[return-value]


def undo(client: FlaskClient, round_: Round, event: RoundEvent) -> None:
    assert client.post(url(round_, f"changes/{event.id}/undo")).status_code == 302


def database_text(session: Session) -> str:
    """Every value of every table, as text (JSON columns as written), for trace searches."""
    session.flush()
    parts: list[str] = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            for value in row:
                parts.append(
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(value, dict | list)
                    else str(value)
                )
    return "\n".join(parts)
