"""Logging in and out, sessions that end, local-only redirects, role checks, password change."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask import session as flask_session
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.auth.decorators import current_user
from survey.auth.views import safe_next
from survey.models import User
from tests.factories import PASSWORD, log_in

GENERIC_FAILURE = "用户名或密码错误"


def test_login_page_renders_in_chinese(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "登录" in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'autocomplete="current-password"' in page


def test_login_sets_the_public_id_in_the_session(client: FlaskClient, secretary: User) -> None:
    with client:
        response = log_in(client, "secretary")
        assert response.status_code == 302
        assert response.location == "/"
        assert flask_session["user"] == secretary.public_id


def test_username_is_compared_without_case(client: FlaskClient, secretary: User) -> None:
    assert log_in(client, "  SecreTary ").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [("secretary", "wrong password!"), ("nobody", PASSWORD), ("", "")],
)
def test_failed_login_says_the_same_thing_whatever_was_wrong(
    client: FlaskClient, secretary: User, username: str, password: str
) -> None:
    response = client.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    if username:
        assert GENERIC_FAILURE in page
    assert "secretary" not in response.headers.get("Set-Cookie", "")
    with client.session_transaction() as stored:
        assert "user" not in stored


def test_unknown_and_wrong_password_give_identical_pages(
    client: FlaskClient, secretary: User
) -> None:
    unknown = client.post("/auth/login", data={"username": "ghost", "password": "x" * 12})
    wrong = client.post("/auth/login", data={"username": "secretary", "password": "x" * 12})
    assert unknown.get_data(as_text=True).replace("ghost", "NAME") == wrong.get_data(
        as_text=True
    ).replace("secretary", "NAME")


def test_inactive_user_cannot_log_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("retired", active=False)
    response = log_in(client, "retired")
    assert response.status_code == 400
    assert GENERIC_FAILURE in response.get_data(as_text=True)


def test_session_of_a_deactivated_user_stops_working(
    as_secretary: FlaskClient, secretary: User, session: Session
) -> None:
    assert as_secretary.get("/secretary/roster").status_code == 200
    secretary.active = False
    session.flush()
    response = as_secretary.get("/secretary/roster")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")
    with as_secretary.session_transaction() as stored:
        assert "user" not in stored


def test_a_stolen_cookie_stops_working_after_a_password_reset(
    client: FlaskClient, secretary: User, session: Session
) -> None:
    log_in(client, "secretary")
    secretary.session_version += 1
    session.flush()
    assert client.get("/secretary/roster").status_code == 302


def test_a_session_holding_only_the_public_id_is_not_a_login(
    client: FlaskClient, secretary: User
) -> None:
    with client.session_transaction() as stored:
        stored["user"] = secretary.public_id
    assert client.get("/secretary/roster").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/secretary/roster", "/secretary/roster"),
        ("/secretary/roster?x=1", "/secretary/roster?x=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("javascript:alert(1)", None),
        ("evil.example", None),
        ("/ok\r\nSet-Cookie: x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_keeps_only_local_paths(target: str | None, expected: str | None) -> None:
    assert safe_next(target) == expected


def test_login_follows_a_local_next(client: FlaskClient, secretary: User) -> None:
    response = client.post(
        "/auth/login",
        data={"username": "secretary", "password": PASSWORD, "next": "/secretary/roster"},
    )
    assert response.location == "/secretary/roster"


def test_login_ignores_a_foreign_next(client: FlaskClient, secretary: User) -> None:
    response = client.post(
        "/auth/login",
        data={"username": "secretary", "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert response.location == "/"


def login_form_next(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<input id="next" name="next" type="hidden" value="([^"]*)">', page)
    assert found, page
    return found.group(1)


def test_login_page_carries_next_only_when_local(client: FlaskClient) -> None:
    assert login_form_next(client, "/auth/login?next=/secretary/roster") == "/secretary/roster"
    assert login_form_next(client, "/auth/login?next=https://evil.example") == ""


def test_anonymous_visitor_is_sent_to_login_and_back(client: FlaskClient) -> None:
    response = client.get("/secretary/roster?page=2")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=/secretary/roster?page%3D2"


def test_logout_is_a_post(as_secretary: FlaskClient) -> None:
    assert as_secretary.get("/auth/logout").status_code == 405
    response = as_secretary.post("/auth/logout")
    assert response.status_code == 302
    assert as_secretary.get("/secretary/roster").status_code == 302


def test_logout_keeps_the_language(as_secretary: FlaskClient) -> None:
    as_secretary.post("/auth/language", data={"lang": "en"})
    as_secretary.post("/auth/logout")
    assert "Log in" in as_secretary.get("/auth/login").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, secretary: User) -> None:
    response = log_in(client, "secretary")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("survey_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.mark.settings(
    PRODUCTION=True, OPENING_ARGON2_MEMORY_KIB=65536, OPENING_ARGON2_TIME_COST=3
)
def test_session_cookie_is_secure_in_production(client: FlaskClient, secretary: User) -> None:
    cookies = log_in(client, "secretary").headers.getlist("Set-Cookie")
    assert all("Secure" in cookie for cookie in cookies) and len(cookies) == 2


def test_wrong_role_gets_a_friendly_403(as_committee: FlaskClient) -> None:
    response = as_committee.get("/secretary/roster")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "无权访问" in page
    assert "返回首页" in page


def test_secretary_cannot_open_admin_pages(as_secretary: FlaskClient) -> None:
    assert as_secretary.get("/admin/").status_code == 403


def test_admin_cannot_open_a_secretary_page(as_admin: FlaskClient) -> None:
    assert as_admin.get("/secretary/roster").status_code == 403


def test_any_of_several_roles_is_enough(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("both", roles=("admin", "secretary"))
    log_in(client, "both")
    assert client.get("/admin/").status_code == 200
    assert client.get("/secretary/roster").status_code == 200


def test_current_user_is_cached_per_public_id(app: Flask, secretary: User) -> None:
    with app.test_request_context("/"):
        assert current_user() is None
        flask_session["user"] = secretary.public_id
        flask_session["user_v"] = secretary.session_version
        user = current_user()
        assert user is not None and user.id == secretary.id
        assert current_user() is user, "looked up once per request"
        flask_session["user"] = "someone-else"
        assert current_user() is None, "the cache never answers for another public id"


def test_change_password(client: FlaskClient, secretary: User) -> None:
    log_in(client, "secretary")
    other = client.application.test_client()
    log_in(other, "secretary")
    response = client.post(
        "/auth/password",
        data={"current": PASSWORD, "new": "a brand new secret", "confirm": "a brand new secret"},
    )
    assert response.status_code == 302
    assert client.get("/secretary/roster").status_code == 200, "this session goes on"
    assert other.get("/secretary/roster").status_code == 302, "other sessions end"
    client.post("/auth/logout")
    assert log_in(client, "secretary").status_code == 400
    assert log_in(client, "secretary", "a brand new secret").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong current pw", "a brand new secret", "a brand new secret", "当前密码不正确"),
        (PASSWORD, "short", "short", "至少需要 10 个字符"),
        (PASSWORD, "a brand new secret", "another secret!!", "两次输入的新密码不一致"),
    ],
)
def test_change_password_refusals(
    as_secretary: FlaskClient, current: str, new: str, confirm: str, message: str
) -> None:
    response = as_secretary.post(
        "/auth/password", data={"current": current, "new": new, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    as_secretary.post("/auth/logout")
    assert log_in(as_secretary, "secretary").status_code == 302, "old password still works"


def test_password_page_needs_a_login(client: FlaskClient) -> None:
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert response.location == "/auth/login?next=/auth/password"
