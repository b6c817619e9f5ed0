"""Editing an item's text: a visible 已编辑 mark, and the original kept nowhere, not even in the
log. Masking of phone and ID numbers is applied to answers at unseal and to edited text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Branch, Member, OpinionItem, Round, Theme, Topic, TopicVersion, User
from survey.rounds.clock import utcnow
from survey.rounds.log import log_event
from survey.summary.query import build_summary
from tests.factories import log_in
from tests.summary_support import database_text, editable, last_edit, team_themes, url
from tests.unseal_support import NO_REWRITE, build_unsealed, make_branch_people

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]
__all__ = ["editable"]

SECRET = "王建国那天值班喝了酒"


def _plant(session: Session, round_: Round, text: str) -> OpinionItem:
    """An item naming a person, as an officer might write it, in the first theme."""
    theme = team_themes(session, round_)[0]
    item = OpinionItem(
        round_id=round_.id, section_id=round_.sections[0].id, text=text, theme_id=theme.id
    )
    session.add(item)
    session.flush()
    return item


def test_edit_text_marks_the_item_and_keeps_no_trace_of_the_original(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    item = _plant(session, editable, SECRET)
    # Earlier edits of the item are in the log (a move there and back).
    section = editable.sections[0].id
    other = next(t for t in team_themes(session, editable) if t.id != item.theme_id)
    client.post(url(editable, f"items/{item.id}/move"), data={"target": f"{section}:{other.id}"})
    assert SECRET in database_text(session)  # the search can find it

    response = client.post(
        url(editable, f"items/{item.id}/text"), data={"text": "有同志值班期间饮酒"}
    )
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(OpinionItem, item.id)
    assert stored is not None and stored.text == "有同志值班期间饮酒" and stored.edited
    everything = database_text(session)
    assert SECRET not in everything and "王建国" not in everything
    event = last_edit(session, editable)
    assert event.detail["action"] == "edit_text" and event.detail["changes"] == []
    assert event.detail["item"] == item.id

    page = client.get(url(editable, "")[:-1]).data.decode()
    assert "有同志值班期间饮酒" in page and 'class="badge badge-edited"' in page
    assert SECRET not in page
    changes = client.get(url(editable, "changes")).data.decode()
    assert "Item text edited" in changes and "Cannot be undone" in changes
    assert "The original text is not kept." in changes
    refused = client.post(url(editable, f"changes/{event.id}/undo"), follow_redirects=True)
    assert "A text edit cannot be undone" in refused.data.decode()
    assert last_edit(session, editable).id == event.id
    item_page = client.get(url(editable, f"items/{item.id}")).data.decode()
    assert "cannot be undone" in item_page


def test_older_log_entries_holding_the_text_are_rewritten(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    item = _plant(session, editable, SECRET)
    change = {"kind": "item", "id": item.id, "field": "status", "before": "a", "after": "b"}
    log_event(
        session,
        editable,
        "summary_edited",
        actor=None,
        now=utcnow(),
        action="set_item_status",
        changes=[change],
        text=SECRET,
    )
    session.flush()
    client.post(url(editable, f"items/{item.id}/text"), data={"text": "有同志值班期间饮酒"})
    session.expire_all()
    assert SECRET not in database_text(session)


def test_a_draft_topic_quoting_the_item_quotes_the_new_text(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    item = _plant(session, editable, SECRET)
    version = TopicVersion(round_id=editable.id, number=1)
    session.add(version)
    session.flush()
    topic = Topic(version_id=version.id, title="值班纪律", problem=f"有人反映：{SECRET}。")
    session.add(topic)
    session.flush()
    client.post(url(editable, f"items/{item.id}/text"), data={"text": "有同志值班期间饮酒"})
    session.expire_all()
    assert session.get(Topic, topic.id).problem == "有人反映：有同志值班期间饮酒。"  # type: ignore[union-attr]
    assert SECRET not in database_text(session)


def test_theme_words_only_the_old_text_held_are_dropped(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    first = _plant(session, editable, "王建国值班经常迟到")
    second = _plant(session, editable, "王建国脾气急躁")
    theme = session.get(Theme, first.theme_id)
    assert theme is not None
    theme.keywords, theme.machine_label = ["王建国", "值班"], "王建国、值班等方面"
    session.flush()
    for item, text in ((first, "有同志值班经常迟到"), (second, "有同志脾气急躁")):
        client.post(url(editable, f"items/{item.id}/text"), data={"text": text})
    session.expire_all()
    assert "王建国" not in database_text(session)
    theme = session.get(Theme, first.theme_id)
    assert theme is not None and theme.keywords == ["值班"] and theme.machine_label == "值班方面"


def test_edited_text_is_normalised_and_masked(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    item = team_themes(session, editable)[0].items[0]
    client.post(
        url(editable, f"items/{item.id}/text"), data={"text": "有事請打１３８１２３４５６７８"}
    )
    session.expire_all()
    assert session.get(OpinionItem, item.id).text == "有事请打138****5678"  # type: ignore[union-attr]
    assert "13812345678" not in database_text(session)


@pytest.mark.parametrize(("text", "message"), [(" ", "Type the text."), ("同上", None)])
def test_refused_text_edits_change_nothing(
    editable: Round, client: FlaskClient, session: Session, text: str, message: str | None
) -> None:
    item = team_themes(session, editable)[0].items[0]
    before = last_edit(session, editable)
    if text == "同上":
        text = item.text  # unchanged
        message = "The text is unchanged."
    response = client.post(
        url(editable, f"items/{item.id}/text"), data={"text": text}, follow_redirects=True
    )
    assert message in response.data.decode()
    session.expire_all()
    stored = session.get(OpinionItem, item.id)
    assert stored is not None and stored.text == item.text and not stored.edited
    assert last_edit(session, editable) == before


def test_phone_and_id_numbers_are_masked_at_unseal(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> None:
    """The masking of survey/analysis/masking.py is applied to answers, before anyone reads."""
    members = make_branch_people(make_member)
    answers = [
        {0: "有事打我电话13812345678，值班安排要更合理"},
        {0: "身份证110101199003071234的同志经常迟到"},
        {0: "警号012345的辅警执勤不规范"},
        *[{0: f"业务培训太少，希望每季度组织{n}次"} for n in range(1, 5)],
    ]
    round_ = build_unsealed(
        app, session, client, branch, secretary, committee_user, members, answers
    )
    texts = [
        i.text for s in build_summary(session, round_).sections for t in s.themes for i in t.items
    ]
    assert "有事打我电话138****5678，值班安排要更合理" in texts
    assert any("1101**********1234" in text for text in texts)
    assert any("警号******" in text for text in texts)
    stored = database_text(session)
    for number in ("13812345678", "110101199003071234", "012345"):
        assert number not in stored
    log_in(client, committee_user.username)
    page = client.get(f"/committee/rounds/{round_.public_id}").data.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert session.scalars(select(OpinionItem).where(OpinionItem.edited)).all() == []
