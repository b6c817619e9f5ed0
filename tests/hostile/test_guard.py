"""The request guard with CSRF switched on (as in production), odd headers, and the probes'
place among the paths no request log records."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.models import User
from survey.security import is_quiet_path
from tests.factories import PASSWORD

CSRF_ON = pytest.mark.settings(WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False)


@CSRF_ON
@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"data": {"username": "x", "password": "y" * 200_000}}, 413, "KB"),
        ({"data": b"username=a%00b&password=x",
          "content_type": "application/x-www-form-urlencoded"}, 400, "UTF-8"),
        ({"data": b"username=\xff&password=x",
          "content_type": "application/x-www-form-urlencoded"}, 400, "UTF-8"),
        ({"json": {"username": "x", "password": "y"}}, 415, "form"),
        ({"data": {"username": "x", "password": "y"}}, 400, "expired"),
    ],
)
def test_refusals_come_before_csrf_and_never_read_the_body_again(
    client: FlaskClient, kwargs: dict[str, Any], status: int, words: str
) -> None:
    response = client.post("/auth/login?lang=en", **kwargs)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)


@CSRF_ON
def test_a_too_large_form_from_a_logged_in_page_is_413(
    client: FlaskClient, secretary: User
) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    login = {"username": secretary.username, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/auth/login", data=login).status_code == 302
    response = client.post(
        "/secretary/roster/new",
        data={"name": "张三", "note": "x" * 200_000, "csrf_token": token.group(1)},
    )
    assert response.status_code == 413
    assert "提交的内容超过了本站允许的大小" in response.get_data(as_text=True)


def test_probes_are_not_logged() -> None:
    assert is_quiet_path("/healthz/ready") and is_quiet_path("/healthz/live")
    assert not is_quiet_path("/healthz")


header_values = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=200)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["/", "/auth/login", "/i", "/api/v1/rounds/abcd/keys", "/r/abcd/board"]),
    language=header_values,
    cookie=header_values,
    forwarded=header_values,
)
@pytest.mark.settings(PROPAGATE_EXCEPTIONS=False, TRUSTED_PROXIES=1)
def test_odd_headers_never_cause_a_server_error(
    client: FlaskClient, path: str, language: str, cookie: str, forwarded: str
) -> None:
    response = client.get(
        path,
        headers={
            "Accept-Language": language,
            "Cookie": cookie,
            "X-Forwarded-For": forwarded,
            "X-Forwarded-Proto": forwarded,
        },
    )
    assert response.status_code < 500, response.get_data()[:300]
