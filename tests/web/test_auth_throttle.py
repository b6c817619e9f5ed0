"""Login throttling: failed attempts counted per account and per client, successes never."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from survey.models import User
from tests.factories import PASSWORD

THROTTLED = pytest.mark.settings(
    RATELIMIT_ENABLED=True,
    LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
    LOGIN_LIMIT_PER_CLIENT="5 per minute",
)


def attempt(client: FlaskClient, username: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


@THROTTLED
def test_an_account_is_locked_after_its_failed_attempts(
    client: FlaskClient, secretary: User
) -> None:
    assert [attempt(client, "secretary", "wrong password") for _ in range(3)] == [400] * 3
    # Even the right password is refused now, from anywhere, and the page says why.
    response = client.post(
        "/auth/login",
        data={"username": "secretary", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 429
    assert "尝试次数过多" in response.get_data(as_text=True)


@THROTTLED
def test_the_account_limit_ignores_case_and_spaces(client: FlaskClient, secretary: User) -> None:
    for name in ("secretary", "SECRETARY", " Secretary "):
        assert attempt(client, name, "wrong password") == 400
    assert attempt(client, "secretary", PASSWORD) == 429


@THROTTLED
def test_another_account_is_not_affected(
    client: FlaskClient, secretary: User, committee_user: User
) -> None:
    for _ in range(3):
        attempt(client, "secretary", "wrong password", address="10.0.0.1")
    assert attempt(client, "jijian", PASSWORD, address="10.0.0.2") == 302


@THROTTLED
def test_successful_logins_are_not_counted(client: FlaskClient, secretary: User) -> None:
    assert [attempt(client, "secretary", PASSWORD) for _ in range(6)] == [302] * 6


@THROTTLED
def test_a_client_is_locked_after_failures_across_accounts(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("target")
    for n in range(5):
        assert attempt(client, f"guess{n}", "wrong password") == 400
    assert attempt(client, "target", PASSWORD) == 429, "same client, any account"
    assert attempt(client, "target", PASSWORD, address="10.0.0.2") == 302, "another client"


@THROTTLED
def test_viewing_the_login_page_is_never_throttled(client: FlaskClient, secretary: User) -> None:
    for _ in range(3):
        attempt(client, "secretary", "wrong password")
    assert client.get("/auth/login").status_code == 200


@pytest.mark.settings(RATELIMIT_ENABLED=False, LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
def test_throttling_is_off_when_disabled(client: FlaskClient, secretary: User) -> None:
    assert [attempt(client, "secretary", "wrong password") for _ in range(4)] == [400] * 4


@pytest.mark.settings(
    RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_CLIENT="2 per minute", TRUSTED_PROXIES=1
)
def test_behind_a_proxy_clients_are_told_apart_by_forwarded_for(
    client: FlaskClient, secretary: User
) -> None:
    def through_proxy(forwarded_for: str) -> int:
        return client.post(
            "/auth/login",
            data={"username": f"nobody-{forwarded_for}", "password": "wrong password"},
            environ_base={"REMOTE_ADDR": "10.0.0.254"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code

    assert [through_proxy("203.0.113.7") for _ in range(3)] == [400, 400, 429]
    assert through_proxy("198.51.100.9") == 400, "another client behind the same proxy"


@pytest.mark.settings(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_CLIENT="2 per minute")
def test_without_trusted_proxies_forwarded_for_is_ignored(
    client: FlaskClient, secretary: User
) -> None:
    codes = [
        client.post(
            "/auth/login",
            data={"username": f"nobody{n}", "password": "wrong password"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(3)
    ]
    assert codes == [400, 400, 429], "a forged header does not buy new attempts"
