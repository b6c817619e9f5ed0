"""Items from other channels (paper opinion forms, one-to-one talks) typed in by the secretary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from survey.models import Branch, Member, OpinionItem, Round, RoundEvent, User
from survey.rounds.clock import local_today, utcnow
from survey.summary.query import build_summary
from tests.factories import log_in
from tests.unseal_support import (
    NO_REWRITE,
    SAMPLE_ANSWERS,
    Collecting,
    build_unsealed,
    close,
    unseal,
)

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


def add(client: FlaskClient, round_: Round, **fields: str) -> TestResponse:
    """One paper form with ``text`` in the box of ``section`` (default: the first section)."""
    section = fields.pop("section", round_.sections[0].key)
    data = {
        "channel": "paper",
        "day": (local_today(utcnow()) - timedelta(days=2)).isoformat(),
        f"text-{section}": fields.pop("text", "派出所车辆管理要规范"),
    }
    data.update(fields)
    return client.post(f"/secretary/rounds/{round_.public_id}/channel-items", data=data)


def channel_items(session: Session, round_: Round) -> list[OpinionItem]:
    session.expire_all()
    return list(
        session.scalars(
            select(OpinionItem).where(
                OpinionItem.round_id == round_.id, OpinionItem.channel != "survey"
            )
        )
    )


def test_the_form_has_no_field_for_a_person(
    collecting: Collecting, client: FlaskClient, secretary: User
) -> None:
    log_in(client, secretary.username)
    page = client.get(f"/secretary/rounds/{collecting.round.public_id}/channel-items").data.decode()
    for section in collecting.round.sections:  # one box per section, as on the paper form
        assert f'name="text-{section.key}"' in page
    assert 'name="day"' in page and 'name="channel"' in page
    assert 'type="date"' in page
    for field in ('name="name"', "member", "person", "time", "datetime"):
        assert field not in page.split("<form", 1)[1].split("</form>", 1)[0]


def test_paper_items_before_unseal_join_the_themes(
    app: Flask,
    session: Session,
    collecting: Collecting,
    client: FlaskClient,
    secretary: User,
) -> None:
    log_in(client, secretary.username)
    day = local_today(utcnow()) - timedelta(days=3)
    response = add(
        client,
        collecting.round,
        day=day.isoformat(),
        text="1. 值班安排應該更合理\n2. 業務培訓要結合實戰",
    )
    assert response.status_code == 302
    items = channel_items(session, collecting.round)
    assert sorted(i.text for i in items) == ["业务培训要结合实战", "值班安排应该更合理"]
    assert all(i.channel == "paper" and i.day == day for i in items)
    event = session.scalars(
        select(RoundEvent).where(
            RoundEvent.round_id == collecting.round.id, RoundEvent.kind == "item_added"
        )
    ).one()
    assert event.detail == {
        "channel": "paper",
        "section": collecting.round.sections[0].title,
        "items": 2,
    }
    for answer in SAMPLE_ANSWERS[:5]:
        collecting.submit(answer)
    close(app, session, collecting.round, secretary)
    unseal(app, session, collecting.round, collecting.parts)
    assert all(i.theme_id is not None for i in channel_items(session, collecting.round))
    page = client.get(f"/committee/rounds/{collecting.round.public_id}").data.decode()
    assert "值班安排应该更合理" in page
    assert f"· {day.isoformat()}" in page


def test_talk_items_after_unseal_wait_outside_the_themes(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
) -> None:
    round_ = build_unsealed(app, session, client, branch, secretary, committee_user, members)
    log_in(client, secretary.username)
    other = round_.sections[-1]
    response = add(client, round_, channel="talk", section=other.key, text="希望组织一次谈心谈话")
    assert response.status_code == 302
    (item,) = channel_items(session, round_)
    assert item.channel == "talk" and item.theme_id is None and item.section_id == other.id
    section = next(s for s in build_summary(session, round_).sections if s.id == other.id)
    unthemed = next(t for t in section.themes if t.id is None)
    assert [i.text for i in unthemed.items] == ["希望组织一次谈心谈话"]


def test_refusals(
    collecting: Collecting, client: FlaskClient, secretary: User, session: Session
) -> None:
    log_in(client, secretary.username)
    tomorrow = (local_today(utcnow()) + timedelta(days=1)).isoformat()
    response = add(client, collecting.round, day=tomorrow)
    assert response.status_code == 400
    assert "future" in response.data.decode() or "未来" in response.data.decode()
    assert add(client, collecting.round, channel="survey").status_code == 400
    assert add(client, collecting.round, text="无").status_code == 400
    assert add(client, collecting.round, section="nosuchsection").status_code == 400
    assert add(client, collecting.round, text="   ").status_code == 400
    assert channel_items(session, collecting.round) == []


def test_only_the_secretary_types_items_in(
    collecting: Collecting, client: FlaskClient, committee_user: User, session: Session
) -> None:
    log_in(client, committee_user.username)
    url = f"/secretary/rounds/{collecting.round.public_id}/channel-items"
    assert client.get(url).status_code == 403
    assert add(client, collecting.round).status_code == 403
    assert channel_items(session, collecting.round) == []


def test_other_branch_secretary_gets_404(
    collecting: Collecting,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_branch: Callable[..., Branch],
) -> None:
    stranger = make_user("stranger", roles=("secretary",), branch=make_branch())
    log_in(client, stranger.username)
    assert (
        client.get(f"/secretary/rounds/{collecting.round.public_id}/channel-items").status_code
        == 404
    )


def test_a_whole_paper_form_at_once_then_the_next_with_the_same_channel_and_day(
    collecting: Collecting, client: FlaskClient, secretary: User, session: Session
) -> None:
    log_in(client, secretary.username)
    round_ = collecting.round
    day = (local_today(utcnow()) - timedelta(days=4)).isoformat()
    first, second, last = round_.sections[0], round_.sections[1], round_.sections[-1]
    response = client.post(
        f"/secretary/rounds/{round_.public_id}/channel-items",
        data={
            "channel": "talk",
            "day": day,
            f"text-{first.key}": "1. 值班安排要合理\n2. 培训要结合实战",
            f"text-{second.key}": "无",
            f"text-{last.key}": "食堂伙食可以改善",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"channel-items?channel=talk&day={day}")
    items = channel_items(session, round_)
    placed = sorted((i.section_id, i.text) for i in items)
    assert placed == sorted(
        [(first.id, "值班安排要合理"), (first.id, "培训要结合实战"), (last.id, "食堂伙食可以改善")]
    )
    assert {(i.channel, i.day.isoformat() if i.day else "") for i in items} == {("talk", day)}
    events = session.scalars(
        select(RoundEvent).where(RoundEvent.round_id == round_.id, RoundEvent.kind == "item_added")
    ).all()
    assert sorted(e.detail["items"] for e in events) == [1, 2]  # counts per section, no text
    # The next form starts with the same channel and day, and empty boxes.
    page = client.get(response.headers["Location"]).data.decode()
    assert f'value="{day}"' in page
    assert '<option selected value="talk">' in page
    assert "值班安排要合理</textarea>" not in page
