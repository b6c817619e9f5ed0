"""Editing the summary: each edit is logged with before and after, and each can be undone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Branch, Member, OpinionItem, Round, RoundEvent, Theme, User
from survey.summary.query import ThemeView, build_summary
from tests.factories import PASSWORD, log_in
from tests.unseal_support import NO_REWRITE, build_unsealed, make_branch_people

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


@pytest.fixture
def unsealed(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> Round:
    members = make_branch_people(make_member)
    round_ = build_unsealed(app, session, client, branch, secretary, committee_user, members)
    regroup_team_section(session, round_)
    log_in(client, committee_user.username)
    return round_


def regroup_team_section(session: Session, round_: Round) -> None:
    """Two known themes in the first section (training, and the rest), whatever the grouping
    made of so few items: these tests are about editing, not about grouping."""
    section = round_.sections[0]
    training = Theme(round_id=round_.id, section_id=section.id, machine_label="业务培训")
    rest = Theme(round_id=round_.id, section_id=section.id, machine_label="值班安排")
    session.add_all([training, rest])
    session.flush()
    items = session.scalars(select(OpinionItem).where(OpinionItem.section_id == section.id))
    for item in items:
        item.theme_id = training.id if "培训" in item.text else rest.id
    session.flush()


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
    response = client.post(url(round_, f"changes/{event.id}/undo"))
    assert response.status_code == 302


def test_rename_a_theme_and_undo(
    unsealed: Round, client: FlaskClient, session: Session, committee_user: User
) -> None:
    theme = team_themes(session, unsealed)[0]
    response = client.post(url(unsealed, f"themes/{theme.id}/rename"), data={"label": "值班与休息"})
    assert response.status_code == 302
    assert "值班与休息" in client.get(url(unsealed, "")[:-1]).data.decode()
    stored = session.get(Theme, theme.id)
    assert stored is not None and stored.label == "值班与休息"
    assert stored.machine_label == theme.machine_label  # kept, to go back to
    event = last_edit(session, unsealed)
    assert event.actor_id == committee_user.id
    assert event.detail["action"] == "rename_theme"
    assert event.detail["before_label"] == theme.heading
    assert event.detail["after_label"] == "值班与休息"
    assert event.detail["changes"] == [
        {"kind": "theme", "id": theme.id, "field": "label", "before": None, "after": "值班与休息"}
    ]
    undo(client, unsealed, event)
    session.expire_all()
    assert session.get(Theme, theme.id).label is None  # type: ignore[union-attr]
    undone = last_edit(session, unsealed)
    assert undone.detail["action"] == "undo" and undone.detail["undoes"] == event.id
    # An undone change cannot be undone twice.
    client.post(url(unsealed, f"changes/{event.id}/undo"))
    assert last_edit(session, unsealed).id == undone.id
    changes = client.get(url(unsealed, "changes")).data.decode()
    assert "值班与休息" in changes


def test_renaming_to_nothing_goes_back_to_the_machine_label(
    unsealed: Round, client: FlaskClient, session: Session
) -> None:
    theme = team_themes(session, unsealed)[0]
    client.post(url(unsealed, f"themes/{theme.id}/rename"), data={"label": "新标题"})
    client.post(url(unsealed, f"themes/{theme.id}/rename"), data={"label": "  "})
    session.expire_all()
    assert session.get(Theme, theme.id).heading == theme.machine_label  # type: ignore[union-attr]


def test_merge_themes_and_undo(unsealed: Round, client: FlaskClient, session: Session) -> None:
    themes = team_themes(session, unsealed)
    assert len(themes) >= 2
    source, target = themes[1], themes[0]
    page = client.get(url(unsealed, f"themes/{source.id}")).data.decode()
    assert f'value="{target.id}"' in page
    response = client.post(url(unsealed, f"themes/{source.id}/merge"), data={"target": target.id})
    assert response.status_code == 302
    merged = team_themes(session, unsealed)
    assert source.id not in [t.id for t in merged]
    combined = next(t for t in merged if t.id == target.id)
    assert combined.count == source.count + target.count
    assert (source.id, source.heading) in combined.merged
    event = last_edit(session, unsealed)
    assert event.detail["source"] == source.heading and event.detail["target"] == target.heading
    undo(client, unsealed, event)
    assert {t.id for t in team_themes(session, unsealed)} == {t.id for t in themes}


def test_separate_a_merged_theme_again(
    unsealed: Round, client: FlaskClient, session: Session
) -> None:
    source, target = team_themes(session, unsealed)[1], team_themes(session, unsealed)[0]
    client.post(url(unsealed, f"themes/{source.id}/merge"), data={"target": target.id})
    assert "Separate again" in client.get(url(unsealed, f"themes/{target.id}")).data.decode() or (
        "拆分" in client.get(url(unsealed, f"themes/{target.id}")).data.decode()
    )
    client.post(url(unsealed, f"themes/{source.id}/unmerge"))
    assert source.id in [t.id for t in team_themes(session, unsealed)]
    assert last_edit(session, unsealed).detail["action"] == "unmerge_theme"


def test_merge_across_sections_is_refused(
    unsealed: Round, client: FlaskClient, session: Session
) -> None:
    summary = build_summary(session, unsealed)
    others = [t for s in summary.sections[1:] for t in s.themes]
    source = summary.sections[0].themes[0]
    client.post(url(unsealed, f"themes/{source.id}/merge"), data={"target": others[0].id})
    session.expire_all()
    assert session.get(Theme, source.id).merged_into_id is None  # type: ignore[union-attr]


def test_move_an_item_to_another_theme_and_section_and_undo(
    unsealed: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, unsealed)
    item = themes[0].items[0]
    target = themes[1]
    section_id = unsealed.sections[0].id
    page = client.get(url(unsealed, f"items/{item.id}")).data.decode()
    assert item.text in page
    client.post(
        url(unsealed, f"items/{item.id}/move"), data={"target": f"{section_id}:{target.id}"}
    )
    moved = next(t for t in team_themes(session, unsealed) if t.id == target.id)
    assert item.text in [i.text for i in moved.items]
    first = last_edit(session, unsealed)
    undo(client, unsealed, first)
    back = next(t for t in team_themes(session, unsealed) if t.id == themes[0].id)
    assert item.id in [i.id for i in back.items]

    other = unsealed.sections[-1]
    client.post(url(unsealed, f"items/{item.id}/move"), data={"target": f"{other.id}:"})
    session.expire_all()
    stored = session.get(OpinionItem, item.id)
    assert stored is not None and stored.section_id == other.id and stored.theme_id is None
    section = next(s for s in build_summary(session, unsealed).sections if s.id == other.id)
    assert item.text in [i.text for t in section.themes if t.id is None for i in t.items]
    move = last_edit(session, unsealed)
    assert [c["field"] for c in move.detail["changes"]] == ["section_id", "theme_id"]
    undo(client, unsealed, move)
    session.expire_all()
    assert session.get(OpinionItem, item.id).section_id == section_id  # type: ignore[union-attr]


def test_undo_refused_when_the_item_changed_since(
    unsealed: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, unsealed)
    item = themes[0].items[0]
    section_id = unsealed.sections[0].id
    client.post(
        url(unsealed, f"items/{item.id}/move"), data={"target": f"{section_id}:{themes[1].id}"}
    )
    first = last_edit(session, unsealed)
    client.post(url(unsealed, f"items/{item.id}/move"), data={"target": f"{section_id}:"})
    second = last_edit(session, unsealed)
    response = client.post(url(unsealed, f"changes/{first.id}/undo"), follow_redirects=True)
    assert (
        "undo the later changes first" in response.data.decode() or "撤销" in response.data.decode()
    )
    assert last_edit(session, unsealed).id == second.id


@pytest.mark.parametrize("status", ["duplicate", "set_aside"])
def test_mark_an_item_and_restore_it_never_deleting(
    unsealed: Round, client: FlaskClient, session: Session, status: str
) -> None:
    total = session.scalar(
        select(func.count()).select_from(OpinionItem).where(OpinionItem.round_id == unsealed.id)
    )
    theme = team_themes(session, unsealed)[0]
    item = theme.items[0]
    client.post(url(unsealed, f"items/{item.id}/status"), data={"status": status})
    after = team_themes(session, unsealed)
    assert item.id not in [i.id for t in after for i in t.items]
    section = build_summary(session, unsealed).sections[0]
    assert [i.id for i in section.inactive] == [item.id]
    assert section.inactive[0].status == status
    page = client.get(url(unsealed, "")[:-1]).data.decode()
    assert item.text in page  # still shown, apart
    assert (
        session.scalar(
            select(func.count()).select_from(OpinionItem).where(OpinionItem.round_id == unsealed.id)
        )
        == total
    )
    client.post(url(unsealed, f"items/{item.id}/status"), data={"status": "active"})
    assert item.id in [i.id for t in team_themes(session, unsealed) for i in t.items]
    restore = last_edit(session, unsealed)
    assert restore.detail["changes"][0]["before"] == status
    undo(client, unsealed, restore)
    session.expire_all()
    assert session.get(OpinionItem, item.id).status == status  # type: ignore[union-attr]


def test_unknown_status_is_refused(unsealed: Round, client: FlaskClient, session: Session) -> None:
    item = team_themes(session, unsealed)[0].items[0]
    client.post(url(unsealed, f"items/{item.id}/status"), data={"status": "deleted"})
    session.expire_all()
    assert session.get(OpinionItem, item.id).status == "active"  # type: ignore[union-attr]


def test_edits_of_another_rounds_theme_are_not_found(unsealed: Round, client: FlaskClient) -> None:
    assert (
        client.post(url(unsealed, "themes/nosuchtheme/rename"), data={"label": "x"}).status_code
        == 404
    )
    assert client.get(url(unsealed, "items/nosuchitem")).status_code == 404
    assert client.post(url(unsealed, "changes/999999/undo")).status_code == 404


@pytest.mark.settings(WTF_CSRF_ENABLED=True)
def test_edit_forms_need_the_csrf_token(
    unsealed: Round, client: FlaskClient, session: Session, committee_user: User
) -> None:
    login_page = client.get("/auth/login").data.decode()
    login_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert login_token is not None
    client.post(
        "/auth/login",
        data={
            "username": committee_user.username,
            "password": PASSWORD,
            "csrf_token": login_token.group(1),
        },
    )
    theme = team_themes(session, unsealed)[0]
    refused = client.post(url(unsealed, f"themes/{theme.id}/rename"), data={"label": "无令牌"})
    assert refused.status_code in (400, 302)
    session.expire_all()
    assert session.get(Theme, theme.id).label is None  # type: ignore[union-attr]
    page = client.get(url(unsealed, f"themes/{theme.id}")).data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    client.post(
        url(unsealed, f"themes/{theme.id}/rename"),
        data={"label": "有令牌", "csrf_token": token.group(1)},
    )
    session.expire_all()
    assert session.get(Theme, theme.id).label == "有令牌"  # type: ignore[union-attr]
