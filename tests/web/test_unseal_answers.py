"""Unseal with answers that cannot be read, text under unknown sections, a failing grouping."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import seal
from survey.models import (
    OpinionItem,
    User,
)
from survey.rounds.clock import utcnow
from survey.rounds.unseal import BelowMinimum, unseal_round
from tests.unseal_support import (
    NO_REWRITE,
    Collecting,
    assert_unchanged,
    closed_with,
    custodian_clients,
    give_part,
    in_english,
    unseal,
)

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


# --- unreadable answers and unknown sections -----------------------------------------------


def unreadable_sealed(collecting: Collecting) -> tuple[bytes, bytes]:
    """Garbage of a valid sealed size, and a sealed plaintext that does not parse."""
    garbage = secrets.token_bytes(seal.SEALED_SIZES[0])
    bad_plaintext = b'{"v": 1, "answers": ["not", "an", "object"]}'.ljust(4096, b" ")
    not_parsing = seal.seal(
        collecting.seal_public(), bad_plaintext, seal.answer_info(collecting.round.public_id)
    )
    return garbage, not_parsing


def test_unreadable_answers_are_counted_and_reported(
    app: Flask, session: Session, collecting: Collecting, secretary: User, client: FlaskClient
) -> None:
    for sealed in unreadable_sealed(collecting):
        collecting.submit_sealed(sealed)
    closed_with(app, session, collecting, secretary, 5)
    first, second = custodian_clients(app, collecting.round)
    assert give_part(first, collecting.round.public_id, collecting.parts[0]).status_code == 302
    response = give_part(second, collecting.round.public_id, collecting.parts[1])
    assert response.status_code == 302
    session.expire_all()
    assert collecting.round.unreadable_answers == 2
    assert collecting.round.answers_at_close == 7
    page = second.get(response.headers["Location"]).data.decode()
    assert "2 answers could not be read" in page  # the flash
    assert "Unreadable answers" in page or "无法读取" in page


def test_unreadable_answers_do_not_count_toward_the_minimum(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    for sealed in unreadable_sealed(collecting):
        collecting.submit_sealed(sealed)
    closed_with(app, session, collecting, secretary, 4)  # 6 received, 4 readable
    with in_english(app), pytest.raises(BelowMinimum, match="Only 4 answers could be read"):
        unseal_round(session, collecting.round, *collecting.parts, now=utcnow(), actor=None)
    assert_unchanged(session, collecting.round, 6)


def test_text_under_an_unknown_section_goes_to_other_opinions(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    known = {collecting.section_ids[0]: "值班安排要更合理"}
    token, signature = collecting.officer.obtain_token(collecting.codes.pop(0))
    sealed = collecting.officer.sealed({**known, "nosuchsection": "食堂的饭菜要改善"})
    collecting.send(token, signature, sealed)
    closed_with(app, session, collecting, secretary, 5)
    report = unseal(app, session, collecting.round, collecting.parts)
    assert report.unknown_section_texts == 1
    item = session.scalars(select(OpinionItem).where(OpinionItem.text == "食堂的饭菜要改善")).one()
    assert item.section.kind == "other"
    assert item.section.title == "其他意见建议"
    assert collecting.round.unknown_section_texts == 1


def test_a_failing_grouping_does_not_stop_the_unseal(
    app: Flask,
    session: Session,
    collecting: Collecting,
    secretary: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("grouping bug")

    monkeypatch.setattr("survey.summary.themes.group_in_categories", broken)
    closed_with(app, session, collecting, secretary, 5)
    report = unseal(app, session, collecting.round, collecting.parts)
    assert report.themes == 0 and report.items > 0
    items = session.scalars(
        select(OpinionItem).where(OpinionItem.round_id == collecting.round.id)
    ).all()
    assert items and all(item.theme_id is None for item in items)
    assert collecting.round.state == "summarising"
