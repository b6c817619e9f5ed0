"""The superior Party organisation: reported topics only, its reply logged, changes as v+1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Branch, OpinionItem, Round, RoundEvent, TopicVersion, User
from survey.rounds.clock import utcnow
from survey.topics import drafting, finalising
from tests.factories import log_in
from tests.topics_support import TOPICS, finish, publish

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def answered(branch: Branch, unsealed: Round) -> Round:
    """The unsealed round of a branch that reports its topics to the superior organisation."""
    branch.topics_reported = True
    return unsealed


@pytest.fixture
def superior_user(make_user: Callable[..., User], branch: Branch, session: Session) -> User:
    user = make_user("county", roles=("superior",), branch=None)
    user.supervised = [branch]
    session.flush()
    return user


def agreed_version(
    app: Flask, session: Session, client: FlaskClient, round_: Round, secretary: User
) -> None:
    consulting = publish(app, session, client, round_, list(TOPICS))
    keys = [t["id"] for t in consulting.officer.keys["topics"]]
    while consulting.codes:
        consulting.respond({k: ("agree", "") for k in keys})
    finish(app, session, consulting, secretary)


def report(client: FlaskClient, round_: Round) -> str:
    response = client.post(
        f"/committee/rounds/{round_.public_id}/topics/report", follow_redirects=True
    )
    return response.get_data(as_text=True)


def version(session: Session, number: int) -> TopicVersion:
    session.expire_all()
    found = session.scalar(select(TopicVersion).where(TopicVersion.number == number))
    assert found is not None
    return found


def test_superior_asks_for_changes_then_approves(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
    committee_user: User,
    superior_user: User,
) -> None:
    agreed_version(app, session, client, answered, secretary)
    english = app.test_request_context(headers={"Accept-Language": "en"})
    with english, pytest.raises(finalising.FinaliseRefused, match="superior"):
        finalising.finalise_topics(session, answered, committee_user, now=utcnow())
    log_in(client, committee_user.username)
    assert "Saved." in report(client, answered)
    client.post("/auth/logout")
    log_in(client, superior_user.username)
    listing = client.get("/superior/").get_data(as_text=True)
    v1 = version(session, 1)
    assert f"/superior/reports/{v1.public_id}" in listing and "Waiting for your reply" in listing
    page = client.get(f"/superior/reports/{v1.public_id}").get_data(as_text=True)
    assert TOPICS[0].problem in page
    items = session.scalars(select(OpinionItem.text).where(OpinionItem.round_id == answered.id))
    assert not [text for text in items if text in page], "no opinion item reaches the superior"
    empty = client.post(
        f"/superior/reports/{v1.public_id}/reply", data={"decision": "changes", "text": ""}
    )
    assert empty.status_code == 400 and "Say which changes" in empty.get_data(as_text=True)
    done = client.post(
        f"/superior/reports/{v1.public_id}/reply",
        data={"decision": "changes", "text": "增加一个关于执法规范化的议题"},
        follow_redirects=True,
    )
    assert "Your reply was recorded." in done.get_data(as_text=True)
    assert version(session, 1).superior_decision == "changes"
    assert not version(session, 2).published, "the change opens the draft of version 2"
    logged = session.scalars(
        select(RoundEvent.kind).where(RoundEvent.round_id == answered.id)
    ).all()
    assert "superior_replied" in logged and "topics_reported" in logged
    client.post("/auth/logout")

    specs = [*TOPICS, drafting.TopicSpec("执法规范化", "执法程序不统一", "统一执法流程")]
    session.refresh(answered)
    v2 = publish(app, session, client, answered, specs)
    assert v2.officer.keys["record"]["superior"] == {
        "decision": "changes",
        "text": "增加一个关于执法规范化的议题",
    }
    keys = [t["id"] for t in v2.officer.keys["topics"]]
    while v2.codes:
        v2.respond({k: ("agree", "") for k in keys})
    finish(app, session, v2, secretary)
    log_in(client, committee_user.username)
    report(client, answered)
    client.post("/auth/logout")
    log_in(client, superior_user.username)
    approved = client.post(
        f"/superior/reports/{version(session, 2).public_id}/reply",
        data={"decision": "approved", "text": ""},
    )
    assert approved.status_code == 302
    session.expire_all()
    with app.test_request_context():
        final = finalising.finalise_topics(session, answered, committee_user, now=utcnow())
    assert final.number == 2


def test_a_superior_sees_only_its_branches(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
    make_user: Callable[..., User],
    make_branch: Callable[..., Branch],
) -> None:
    agreed_version(app, session, client, answered, secretary)
    v1 = version(session, 1)
    v1.reported = True
    other = make_user("othercounty", roles=("superior",), branch=None)
    other.supervised = [make_branch(slug="elsewhere", name="别的支部")]
    session.flush()
    log_in(client, other.username)
    assert client.get(f"/superior/reports/{v1.public_id}").status_code == 404
    forged = client.post(
        f"/superior/reports/{v1.public_id}/reply", data={"decision": "approved", "text": ""}
    )
    assert forged.status_code == 404
    assert version(session, 1).superior_decision is None


def test_cli_rules_and_supervise(runner: Any, branch: Branch, superior_user: User) -> None:
    result = runner.invoke(
        args=["topics", "rules", branch.slug, "--reported", "--final-mode", "explained"]
    )
    assert result.exit_code == 0 and "final_mode=explained" in result.stdout
    bound = runner.invoke(args=["topics", "supervise", "county", branch.slug])
    assert bound.exit_code == 0 and bound.stdout.strip() == branch.slug
    refused = runner.invoke(args=["topics", "supervise", "county", "nosuchbranch"])
    assert refused.exit_code == 1 and "no branch" in refused.stderr


def test_admin_sets_branch_rules_and_superior_branches(
    session: Session,
    client: FlaskClient,
    branch: Branch,
    superior_user: User,
    make_user: Callable[..., User],
    make_branch: Callable[..., Branch],
) -> None:
    admin = make_user("root", roles=("admin",), branch=None)
    other = make_branch(slug="second", name="第二支部")
    log_in(client, admin.username)
    index = client.get("/admin/").get_data(as_text=True)
    assert f"/admin/branches/{branch.public_id}/topics" in index
    assert f"/admin/users/{superior_user.public_id}/supervised" in index
    saved = client.post(
        f"/admin/branches/{branch.public_id}/topics",
        data={"reported": "y", "final_mode": "explained"},
    )
    assert saved.status_code == 302
    session.expire_all()
    assert branch.topics_reported and branch.topics_final_mode == "explained"
    bound = client.post(
        f"/admin/users/{superior_user.public_id}/supervised",
        data={"branches": [branch.public_id, other.public_id]},
    )
    assert bound.status_code == 302
    session.expire_all()
    assert {b.slug for b in superior_user.supervised} == {branch.slug, "second"}
    none = client.post(f"/admin/users/{superior_user.public_id}/supervised", data={})
    assert none.status_code == 400 and "at least one branch" in none.get_data(as_text=True)
    client.post("/auth/logout")
    log_in(client, superior_user.username)
    assert client.get(f"/admin/branches/{branch.public_id}/topics").status_code == 403
