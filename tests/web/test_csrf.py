"""CSRF switched on, as in production: every cookie-authenticated form needs its token."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from survey.models import Member, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.settings(WTF_CSRF_ENABLED=True)


def token_from(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def logged_in(client: FlaskClient, username: str) -> str:
    token = token_from(client, "/auth/login")
    response = client.post(
        "/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return token_from(client, "/")


def test_login_without_a_token_is_refused(client: FlaskClient, secretary: User) -> None:
    response = client.post("/auth/login", data={"username": "secretary", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    with client.session_transaction() as stored:
        assert "user" not in stored


def test_login_with_a_wrong_token_is_refused(client: FlaskClient, secretary: User) -> None:
    token_from(client, "/auth/login")
    response = client.post(
        "/auth/login",
        data={"username": "secretary", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 400


def test_login_with_the_token_works(client: FlaskClient, secretary: User) -> None:
    logged_in(client, "secretary")
    assert client.get("/secretary/roster").status_code == 200


def test_logout_needs_the_token(client: FlaskClient, secretary: User) -> None:
    token = logged_in(client, "secretary")
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/secretary/roster").status_code == 200, "still logged in"
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/secretary/roster").status_code == 302


def test_button_only_posts_need_the_token(
    client: FlaskClient, secretary: User, make_member: Callable[..., Member]
) -> None:
    member = make_member("陈静")
    token = logged_in(client, "secretary")
    url = f"/secretary/roster/{member.public_id}/deactivate"
    assert client.post(url).status_code == 400
    assert client.post(url, data={"csrf_token": token}).status_code == 302


def test_roster_and_admin_forms_need_the_token(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("chief", roles=("admin", "secretary"))
    token = logged_in(client, "chief")
    member = {"name": "张三", "category": "party_member"}
    assert client.post("/secretary/roster/new", data=member).status_code == 400
    with_token = client.post("/secretary/roster/new", data={**member, "csrf_token": token})
    assert with_token.status_code == 302
    branch = {"name": "城关派出所党支部", "slug": "chengguan"}
    assert client.post("/admin/branches/new", data=branch).status_code == 400
    with_token = client.post("/admin/branches/new", data={**branch, "csrf_token": token})
    assert with_token.status_code == 302


def test_language_switch_needs_the_token(client: FlaskClient) -> None:
    assert client.post("/auth/language", data={"lang": "en"}).status_code == 400
    token = token_from(client, "/auth/login")
    client.post("/auth/language", data={"lang": "en", "csrf_token": token})
    assert "Log in" in client.get("/auth/login").get_data(as_text=True)
