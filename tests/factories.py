"""Factory fixtures (``make_branch``, ``make_user``, ``make_member`` …) and actor helpers.

Factories flush but never commit: everything is rolled back with the test's outer transaction.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.auth.passwords import hash_password
from survey.models import Branch, CommitteePost, Member, User

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
_password_hashes: dict[str, str] = {}


def password_hash(password: str) -> str:
    """Argon2 is slow on purpose; hash each test password once."""
    if password not in _password_hashes:
        _password_hashes[password] = hash_password(password)
    return _password_hashes[password]


@pytest.fixture
def make_branch(session: Session) -> Callable[..., Branch]:
    def make(**kw: Any) -> Branch:
        n = next(_counter)
        slug, name = kw.pop("slug", f"branch-{n}"), kw.pop("name", f"第{n}党支部")
        branch = Branch(slug=slug, name=name, **kw)
        session.add(branch)
        session.flush()
        return branch

    return make


@pytest.fixture
def branch(make_branch: Callable[..., Branch]) -> Branch:
    return make_branch(slug="demo-test", name="测试派出所党支部")


@pytest.fixture
def make_user(session: Session, branch: Branch) -> Callable[..., User]:
    def make(
        username: str | None = None, roles: tuple[str, ...] = ("secretary",), **kw: Any
    ) -> User:
        user = User(
            username=username or f"user{next(_counter)}",
            password_hash=password_hash(kw.pop("password", PASSWORD)),
            branch=kw.pop("branch", branch),
            **kw,
        )
        user.roles = set(roles)
        session.add(user)
        session.flush()
        return user

    return make


@pytest.fixture
def make_member(session: Session, branch: Branch) -> Callable[..., Member]:
    def make(name: str | None = None, posts: tuple[str, ...] = (), **kw: Any) -> Member:
        member = Member(
            name=name or f"民警{next(_counter)}",
            branch=kw.pop("branch", branch),
            category=kw.pop("category", "party_member"),
            **kw,
        )
        session.add(member)
        session.flush()
        for post in posts:
            session.add(CommitteePost(branch_id=member.branch_id, post=post, member=member))
        session.flush()
        return member

    return make


def bind_to_new_member(session: Session, user: User, name: str) -> User:
    """Custodians are people: bind ``user`` to a roster member of its own.

    The member is inactive, so it joins no round's default participants; it holds no post, so
    it adds no section.
    """
    member = Member(
        name=name, branch=user.branch, category="party_member", note="账号", active=False
    )
    session.add(member)
    session.flush()
    user.member = member
    session.flush()
    return user


def bind_custodians(session: Session, *users: User) -> None:
    """Custodian accounts not yet bound to a roster member get one of their own (a round
    cannot open otherwise). Not done by the user fixtures: a member changes roster counts."""
    for user in users:
        if user.member_id is None:
            bind_to_new_member(session, user, f"{user.display_name or user.username}本人")


@pytest.fixture
def secretary(make_user: Callable[..., User]) -> User:
    return make_user("secretary", roles=("secretary", "committee"), display_name="书记")


@pytest.fixture
def committee_user(make_user: Callable[..., User]) -> User:
    return make_user("jijian", roles=("committee",), display_name="纪检委员")


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user("admin", roles=("admin",), branch=None)


def staffed_branch(
    session: Any,
    slug: str,
    name: str,
    usernames: tuple[str, str],
    *,
    officers: int = 10,
    named: tuple[str, ...] = (),
) -> tuple[User, User, list[Member]]:
    """A branch of its own for a committed database or a live server: a secretary (who is on
    the committee too), a second committee member, ``named`` members and ``officers`` 民警1, 民警2 …
    to invite; flushed."""
    branch = Branch(slug=slug, name=name)
    session.add(branch)
    session.add_all([Member(name=name, branch=branch) for name in named])
    users = []
    for username, roles in zip(usernames, ({"secretary", "committee"}, {"committee"}), strict=True):
        user = User(username=username, password_hash=password_hash(PASSWORD), branch=branch)
        user.roles = roles
        session.add(user)
        users.append(user)
    members = [Member(name=f"民警{i}", branch=branch) for i in range(officers)]
    session.add_all(members)
    session.flush()
    return users[0], users[1], members


def log_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real login form (with its CSRF token where the app checks it)."""
    data = {"username": username, "password": password}
    if client.application.config["WTF_CSRF_ENABLED"]:
        form = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
        assert token is not None, "the login form carries no CSRF token"
        data["csrf_token"] = token.group(1)
    return client.post("/auth/login", data=data, follow_redirects=False)


@pytest.fixture
def as_secretary(client: FlaskClient, secretary: User) -> FlaskClient:
    response = log_in(client, secretary.username)
    assert response.status_code == 302, response.data
    return client


@pytest.fixture
def as_committee(client: FlaskClient, committee_user: User) -> FlaskClient:
    response = log_in(client, committee_user.username)
    assert response.status_code == 302, response.data
    return client


@pytest.fixture
def as_admin(client: FlaskClient, admin_user: User) -> FlaskClient:
    response = log_in(client, admin_user.username)
    assert response.status_code == 302, response.data
    return client
