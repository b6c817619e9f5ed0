"""Custodians are two different people (DESIGN.md section 3, "One person, two parts").

Each attack an administrator (alone or with the secretary) could try is performed here: a second
account for the same person, an unbound account named as custodian, a password reset or other
change of a custodian's account while a round is open. Each is refused or made visible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Member, Round, RoundEvent, User
from tests.factories import PASSWORD, log_in
from tests.rounds_support import make_collecting_round

NEW_PASSWORD = "a brand new password 42"


@pytest.fixture
def people(
    make_member: Callable[..., Member], secretary: User, committee_user: User, session: Session
) -> dict[str, Member]:
    """The secretary and the 纪检委员 on the roster, their accounts bound to them."""
    chair = make_member("王建国", posts=("secretary",))
    inspector = make_member("陈静", posts=("discipline",))
    secretary.member, committee_user.member = chair, inspector
    session.flush()
    return {"chair": chair, "inspector": inspector}


@pytest.fixture
def guarded(
    app: Flask,
    session: Session,
    branch: Any,
    secretary: User,
    committee_user: User,
    people: dict[str, Member],
    make_member: Callable[..., Member],
) -> Round:
    """A collecting round guarded by the secretary and the 纪检委员."""
    members = [make_member(f"民警{i}") for i in range(6)]
    round_, _parts = make_collecting_round(
        app, session, branch, secretary, committee_user, members
    )
    return round_


def events(session: Session, round_: Round, kind: str) -> list[RoundEvent]:
    return list(
        session.scalars(
            select(RoundEvent).where(RoundEvent.round_id == round_.id, RoundEvent.kind == kind)
        )
    )


# --- binding: one member, one account ------------------------------------------------------


def test_admin_binds_an_account_to_a_member(
    as_admin: FlaskClient, committee_user: User, make_member: Callable[..., Member],
    session: Session,
) -> None:
    member = make_member("陈静", posts=("discipline",))
    page = as_admin.get(f"/admin/users/{committee_user.public_id}/edit").get_data(as_text=True)
    assert "陈静" in page
    response = as_admin.post(
        f"/admin/users/{committee_user.public_id}/edit",
        data={"display_name": "陈静", "roles": ["committee"], "member": member.public_id},
    )
    assert response.status_code == 302
    session.refresh(committee_user)
    assert committee_user.member_id == member.id and committee_user.display_name == "陈静"
    assert "陈静" in as_admin.get("/admin/").get_data(as_text=True)


def test_attack_second_account_for_the_same_member_is_refused_in_the_admin_ui(
    as_admin: FlaskClient,
    people: dict[str, Member],
    make_user: Callable[..., User],
    session: Session,
) -> None:
    """The administrator creates a second account and binds it to the secretary's member."""
    twin = make_user("wang2", roles=("committee",), display_name="王建国")
    response = as_admin.post(
        f"/admin/users/{twin.public_id}/edit",
        data={
            "display_name": "王建国",
            "roles": ["committee"],
            "member": people["chair"].public_id,
        },
    )
    assert response.status_code == 400
    assert "一名成员只能有一个账号" in response.get_data(as_text=True)
    session.refresh(twin)
    assert twin.member_id is None


def test_attack_unbound_second_account_cannot_be_a_custodian(
    app: Flask,
    as_secretary: FlaskClient,
    people: dict[str, Member],
    make_user: Callable[..., User],
    make_member: Callable[..., Member],
    session: Session,
) -> None:
    """An account bound to nobody could be anyone (the secretary again): opening refuses it."""
    twin = make_user("jijian2", roles=("committee",), display_name="陈静")
    for i in range(6):
        make_member(f"民警{i}")
    created = as_secretary.post(
        "/secretary/rounds/new",
        data={"title": "测试", "min_answers": "5", "custodian2": twin.public_id},
    )
    assert created.status_code == 302
    round_id = created.headers["Location"].rsplit("/", 1)[-1]
    refused = as_secretary.post(f"/secretary/rounds/{round_id}/open", follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "第 2 保管人的账号（jijian2）未绑定花名册成员" in text
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    assert round_ is not None and round_.state == "draft"


def test_one_account_cannot_guard_both_parts(
    app: Flask, session: Session, branch: Any, secretary: User, people: dict[str, Member]
) -> None:
    from survey.rounds import drafts
    from survey.rounds.clock import utcnow
    from survey.rounds.errors import InvalidRoundSettings

    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(InvalidRoundSettings, match="different people"),
    ):
        drafts.create_round(
            session,
            branch,
            secretary,
            drafts.DraftSettings(title="x", custodian2=secretary),
            now=utcnow(),
        )


def test_same_member_behind_two_accounts_is_refused_even_past_the_binding_check(
    app: Flask, session: Session, secretary: User, committee_user: User, people: dict[str, Member]
) -> None:
    """Belt and braces: if two accounts ever pointed at one member, a round would not open."""
    from survey.auth.custody import different_people_problem

    committee_user.member_id = secretary.member_id  # what the UNIQUE column forbids
    with app.test_request_context(headers={"Accept-Language": "en"}):
        problem = different_people_problem(secretary, committee_user)
    assert problem is not None and "same person (王建国)" in problem


def test_unique_column_refuses_two_accounts_for_one_member(
    session: Session, secretary: User, committee_user: User, people: dict[str, Member]
) -> None:
    from sqlalchemy.exc import IntegrityError

    committee_user.member_id = secretary.member_id
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_cli_binds_and_refuses_the_second_account(
    runner: Any, people: dict[str, Member], make_user: Callable[..., User], session: Session,
    make_member: Callable[..., Member],
) -> None:
    fresh = make_user("zuzhi", roles=("committee",))
    member = make_member("张伟", posts=("organization",))
    bound = runner.invoke(args=["user", "bind", "zuzhi", "张伟"])
    assert bound.exit_code == 0, bound.stderr
    assert f"zuzhi is bound to 张伟 ({member.public_id})" in bound.stdout
    twin = make_user("zhangwei2", roles=("committee",))
    refused = runner.invoke(args=["user", "bind", "zhangwei2", member.public_id])
    assert refused.exit_code != 0 and "zuzhi" in refused.stderr
    session.refresh(twin)
    assert twin.member_id is None
    unbound = runner.invoke(args=["user", "bind", "zuzhi", "--unbind"])
    assert unbound.exit_code == 0 and "bound to no member" in unbound.stdout
    session.refresh(fresh)
    assert fresh.member_id is None


def test_cli_bind_asks_for_the_id_of_a_namesake(
    runner: Any, make_user: Callable[..., User], make_member: Callable[..., Member]
) -> None:
    make_member("王磊", note="社区警务队")
    make_member("王磊", note="治安巡逻队")
    make_user("wanglei", roles=("committee",))
    result = runner.invoke(args=["user", "bind", "wanglei", "王磊"])
    assert result.exit_code != 0
    assert "社区警务队" in result.stderr and "治安巡逻队" in result.stderr


# --- an administrator's change to a custodian is seen -----------------------------------------


def test_attack_password_reset_is_logged_shown_to_committee_and_custodian(
    app: Flask,
    as_admin: FlaskClient,
    guarded: Round,
    committee_user: User,
    secretary: User,
    session: Session,
) -> None:
    """The administrator resets the 纪检委员's password to log in as them at unseal."""
    response = as_admin.post(
        f"/admin/users/{committee_user.public_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [event] = events(session, guarded, "custodian_account_changed")
    assert event.detail["change"] == "password_reset" and event.detail["custodian"] == 2
    assert event.detail["by"] == "admin" and event.actor is not None

    committee = app.test_client()
    assert log_in(committee, secretary.username).status_code == 302
    page = committee.get(f"/committee/rounds/{guarded.public_id}").get_data(as_text=True)
    assert "保管人账号的变更" in page and "第 2 保管人（jijian）：密码被重置，操作人 admin" in page

    # The custodian (or whoever now holds the new password) is told at the next login, once.
    custodian = app.test_client()
    login = custodian.post(
        "/auth/login",
        data={"username": committee_user.username, "password": NEW_PASSWORD},
        follow_redirects=True,
    )
    text = login.get_data(as_text=True)
    assert "admin 更改了您的账号（密码被重置）" in text and guarded.title in text
    custodian.post("/auth/logout")
    again = custodian.post(
        "/auth/login",
        data={"username": committee_user.username, "password": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "更改了您的账号" not in again.get_data(as_text=True)


def test_rename_roles_rebinding_and_deactivation_are_logged(
    as_admin: FlaskClient,
    guarded: Round,
    committee_user: User,
    make_member: Callable[..., Member],
    session: Session,
) -> None:
    other = make_member("刘洋", posts=("publicity",))
    as_admin.post(
        f"/admin/users/{committee_user.public_id}/edit",
        data={
            "display_name": "刘洋",
            "roles": ["committee", "secretary"],
            "member": other.public_id,
        },
    )
    as_admin.post(f"/admin/users/{committee_user.public_id}/deactivate")
    changes = [e.detail["change"] for e in events(session, guarded, "custodian_account_changed")]
    assert sorted(changes) == ["deactivated", "member_changed", "renamed", "roles_changed"]
    rebinding = next(
        e for e in events(session, guarded, "custodian_account_changed")
        if e.detail["change"] == "member_changed"
    )
    assert rebinding.detail["previous"] == "陈静" and rebinding.detail["member"] == "刘洋"


def test_cli_reset_is_logged_with_the_command_line_as_actor(
    runner: Any, guarded: Round, committee_user: User, session: Session
) -> None:
    result = runner.invoke(
        args=["user", "reset-password", committee_user.username], input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 0
    assert guarded.public_id in result.stderr
    [event] = events(session, guarded, "custodian_account_changed")
    assert event.actor is None and event.detail["by"] is None


def test_changes_outside_custody_are_not_logged_on_rounds(
    as_admin: FlaskClient, committee_user: User, people: dict[str, Member], session: Session
) -> None:
    """No round is open: a password reset is an ordinary reset."""
    response = as_admin.post(
        f"/admin/users/{committee_user.public_id}/password",
        data={"password": NEW_PASSWORD, "confirm": PASSWORD + "x"},
    )
    assert response.status_code == 400  # the confirmation differs
    as_admin.post(
        f"/admin/users/{committee_user.public_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert session.scalars(select(RoundEvent).where(
        RoundEvent.kind == "custodian_account_changed"
    )).all() == []


def test_the_dashboard_links_custodian_1_to_their_opening_sheet(
    client: FlaskClient,
    guarded: Round,
    secretary: User,
    make_user: Callable[..., User],
) -> None:
    """The opening sheet gets its fingerprint only once the round is open: the secretary who
    guards part 1 finds it on the round's dashboard, another secretary does not."""
    sheet = f"/custodian/rounds/{guarded.public_id}/opening-sheet"
    log_in(client, secretary.username)
    dashboard = client.get(f"/secretary/rounds/{guarded.public_id}").get_data(as_text=True)
    assert f'href="{sheet}"' in dashboard
    printed = client.get(sheet)
    assert printed.status_code == 200 and guarded.fingerprint
    assert guarded.fingerprint[:4] in printed.get_data(as_text=True)
    client.post("/auth/logout")
    other = make_user("zuzhi", roles=("secretary",))
    log_in(client, other.username)
    dashboard = client.get(f"/secretary/rounds/{guarded.public_id}").get_data(as_text=True)
    assert "opening-sheet" not in dashboard
    assert client.get(sheet).status_code == 403
