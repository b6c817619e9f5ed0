"""A whole branch, built once per module, for the hostile corpus and the fuzzing.

Every round state a request can meet (draft, collecting, closed, unsealed with themes and an
edit to undo), staff clients logged in through the real form, and a savepoint around each
request so that whatever a request does is undone before the next (the tests still check it
did nothing). Exceptions are not propagated: a failure is seen as the 500 a client would get.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from survey import create_app
from survey.extensions import db
from survey.models import Branch, CommitteePost, Member, OpinionItem, Theme, User
from survey.rounds import drafts, lifecycle
from survey.rounds.clock import utcnow
from survey.summary import edits
from tests.conftest import base_settings
from tests.factories import PASSWORD, log_in, password_hash
from tests.hostile.support import World
from tests.rounds_support import codes_of, make_collecting_round
from tests.unseal_support import SAMPLE_ANSWERS, build_unsealed


def _people(session: Session) -> tuple[Branch, dict[str, User], list[Member]]:
    branch = Branch(slug="hostile-test", name="测试派出所党支部")
    session.add(branch)
    session.flush()
    users = {}
    for username, roles, display in (
        ("secretary", {"secretary", "committee"}, "张明"),
        ("jijian", {"committee"}, "李强"),
        ("admin", {"admin"}, ""),
    ):
        user = User(
            username=username,
            password_hash=password_hash(PASSWORD),
            branch=None if username == "admin" else branch,
            display_name=display,
        )
        user.roles = roles
        session.add(user)
        users[username] = user
    for name, post in (("张明", "secretary"), ("李强", "discipline")):
        holder = Member(name=name, branch=branch, category="party_member")
        session.add(holder)
        session.flush()
        session.add(CommitteePost(branch_id=branch.id, post=post, member=holder))
    officers = [Member(name=f"民警{i}", branch=branch, category="party_member") for i in range(12)]
    session.add_all(officers)
    session.flush()
    return branch, users, officers


def _rounds(
    app: Flask, session: Session, branch: Branch, users: dict[str, User], officers: list[Member]
) -> dict[str, str]:
    secretary, second = users["secretary"], users["jijian"]
    with app.app_context():
        draft = drafts.create_round(
            session, branch, secretary,
            drafts.DraftSettings(title="草稿轮次", custodian2=second), now=utcnow(),
        )
        drafts.set_participants(session, draft, officers[:6])
        closed, _parts = make_collecting_round(
            app, session, branch, secretary, second, officers[:6], title="已截止轮次"
        )
        lifecycle.close_round(session, closed, secretary, now=utcnow())
        collecting, _parts = make_collecting_round(
            app, session, branch, secretary, second, officers[:6], title="征求中轮次"
        )
    unsealed = build_unsealed(
        app, session, app.test_client(), branch, secretary, second, officers,
        answers=SAMPLE_ANSWERS,
    )
    with app.app_context():
        theme = session.scalars(select(Theme).where(Theme.round_id == unsealed.id)).first()
        assert theme is not None
        event = edits.rename_theme(
            session, unsealed, theme, "值班安排", actor=secretary, now=utcnow()
        )
        session.flush()
        item = session.scalars(
            select(OpinionItem).where(OpinionItem.round_id == unsealed.id)
        ).first()
        code = codes_of(collecting)[0]
    assert item is not None and code
    return {
        "draft": draft.public_id,
        "closed": closed.public_id,
        "collecting": collecting.public_id,
        "unsealed": unsealed.public_id,
        "theme": theme.id,
        "item": item.id,
        "event": str(event.id),
        "section": unsealed.sections[0].key,
        "draft_section": draft.sections[0].key,
        "collecting_invitation": collecting.invitations[0].public_id,
        "code": code,
    }


@pytest.fixture(scope="module")
def world(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    settings = base_settings(str(engine.url.render_as_string(hide_password=False)))
    settings.update(PROPAGATE_EXCEPTIONS=False, REWRITE_STORAGE_AFTER_UNSEAL=False)
    app = create_app(settings, instance_path=str(tmp_path_factory.mktemp("hostile")))
    db.bind_session(app, factory)
    session = factory()
    branch, users, officers = _people(session)
    names = _rounds(app, session, branch, users, officers)
    names.update(
        member=officers[0].public_id,
        user=users["jijian"].public_id,
        secretary_user=users["secretary"].public_id,
        jijian=users["jijian"].public_id,
    )
    session.commit()
    session.close()
    clients = {"anonymous": app.test_client()}
    for actor in ("secretary", "jijian", "admin"):
        client = app.test_client()
        assert log_in(client, actor).status_code == 302
        clients[actor] = client
    try:
        yield World(app=app, connection=connection, clients=clients, names=names)
    finally:
        outer.rollback()
        connection.close()
        app.extensions[db.key].engine.dispose()


@pytest.fixture
def undo(world: World) -> Iterator[World]:
    """The world, with whatever the test's requests did rolled back afterwards."""
    savepoint = world.connection.begin_nested()
    try:
        yield world
    finally:
        if savepoint.is_active:
            savepoint.rollback()
