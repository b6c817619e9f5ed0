"""A stranger cannot lock a custodian out (issue 8, item 8; OWASP device cookies).

Failed logins from strangers lock strangers out; a browser that logged in to the account before
(its signed device cookie) keeps working, with a counter of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from survey import create_app
from survey.auth.device import COOKIE
from survey.extensions import db
from survey.models import User
from tests.conftest import base_settings
from tests.factories import PASSWORD

REDIS_URL = os.environ.get("SURVEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_LIMIT_PER_CLIENT": "30 per 15 minutes",
    "LOGIN_LIMIT_PER_DEVICE": "5 per 15 minutes",
}
THROTTLED = pytest.mark.settings(**LIMITS)


def attempt(client: FlaskClient, username: str, password: str, address: str) -> int:
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def own_browser(app: Flask, user: User) -> FlaskClient:
    """The custodian's browser, which logged in to the account before (and so has its cookie)."""
    browser = app.test_client()
    assert attempt(browser, user.username, PASSWORD, "192.168.1.20") == 302
    assert browser.get_cookie(COOKIE) is not None
    browser.post("/auth/logout")
    return browser


def strangers_lock_the_account(app: Flask, username: str, count: int = 12) -> None:
    """Failed logins for ``username`` from many addresses, none with a device cookie."""
    for n in range(count):
        stranger = app.test_client()
        status = attempt(stranger, username, f"guess {n}", f"203.0.113.{n + 1}")
        assert status in (400, 429)


@THROTTLED
def test_attack_strangers_cannot_lock_the_custodian_out(
    app: Flask, committee_user: User
) -> None:
    browser = own_browser(app, committee_user)
    strangers_lock_the_account(app, committee_user.username)
    # Strangers are locked out now, even with the right password.
    assert attempt(app.test_client(), committee_user.username, PASSWORD, "198.51.100.7") == 429
    # The custodian's own browser still logs in, from the same address as before or another.
    assert attempt(browser, committee_user.username, PASSWORD, "192.168.1.20") == 302
    browser.post("/auth/logout")
    assert attempt(browser, committee_user.username, PASSWORD, "10.1.2.3") == 302


@THROTTLED
def test_a_forged_or_foreign_device_cookie_is_a_stranger(
    app: Flask, committee_user: User, secretary: User
) -> None:
    browser = own_browser(app, committee_user)
    cookie = browser.get_cookie(COOKIE)
    assert cookie is not None
    strangers_lock_the_account(app, committee_user.username)
    forged = app.test_client()
    forged.set_cookie(COOKIE, cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA" else "BB"))
    assert attempt(forged, committee_user.username, PASSWORD, "198.51.100.8") == 429
    # A device cookie earned by another account does not vouch for this one.
    other = own_browser(app, secretary)
    assert attempt(other, committee_user.username, PASSWORD, "198.51.100.9") == 429


@THROTTLED
def test_a_known_browser_that_keeps_failing_is_locked_on_its_own(
    app: Flask, committee_user: User
) -> None:
    browser = own_browser(app, committee_user)
    for n in range(5):
        assert attempt(browser, committee_user.username, f"typo {n}", "192.168.1.20") == 400
    assert attempt(browser, committee_user.username, PASSWORD, "192.168.1.20") == 429
    # Its failures were not the strangers' ones: a fresh client is not locked by them.
    assert attempt(app.test_client(), committee_user.username, PASSWORD, "10.9.9.9") == 302


def test_device_cookie_flags(app: Flask, committee_user: User) -> None:
    browser = app.test_client()
    response = browser.post(
        "/auth/login", data={"username": committee_user.username, "password": PASSWORD}
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    failed = app.test_client().post(
        "/auth/login", data={"username": committee_user.username, "password": "wrong one"}
    )
    assert not any(h.startswith(COOKIE) for h in failed.headers.getlist("Set-Cookie"))


@pytest.mark.settings(
    PRODUCTION=True, OPENING_ARGON2_MEMORY_KIB=65536, OPENING_ARGON2_TIME_COST=3
)
def test_device_cookie_is_secure_in_production(app: Flask, committee_user: User) -> None:
    response = app.test_client().post(
        "/auth/login",
        data={"username": committee_user.username, "password": PASSWORD},
        base_url="https://survey.example.org",
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "Secure" in header


@pytest.fixture
def redis_workers(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Any
) -> Iterator[tuple[Flask, Flask]]:
    """Two app processes sharing one Redis for their counters (DB 3 is this suite's)."""
    redis = pytest.importorskip("redis")
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    store.flushdb()
    apps = []
    for n in range(2):
        app = create_app(
            {**base_settings(database_url), **LIMITS, "RATELIMIT_STORAGE_URI": REDIS_URL},
            instance_path=str(tmp_path / f"worker{n}"),
        )
        db.bind_session(app, session_factory)
        apps.append(app)
    yield apps[0], apps[1]
    store.flushdb()


def test_attack_across_workers_with_redis(
    redis_workers: tuple[Flask, Flask], committee_user: User
) -> None:
    """Strangers spread over two workers share one lock; the custodian's browser is not in it."""
    first, second = redis_workers
    browser = own_browser(first, committee_user)
    for n in range(12):
        worker = (first, second)[n % 2]
        attempt(worker.test_client(), committee_user.username, f"guess {n}", f"203.0.113.{n + 1}")
    assert attempt(second.test_client(), committee_user.username, PASSWORD, "198.51.100.7") == 429
    # The same browser, now answered by the other worker.
    second_browser = second.test_client()
    cookie = browser.get_cookie(COOKIE)
    assert cookie is not None
    second_browser.set_cookie(COOKIE, cookie.value)
    assert attempt(second_browser, committee_user.username, PASSWORD, "192.168.1.20") == 302
