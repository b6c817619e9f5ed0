"""Outages for real: a database that cannot be reached, is locked, is read-only, or refuses
connections, then comes back. Every request that needs it gets 503 with Retry-After and a clear
message (a page for people, ``{"error": "unavailable"}`` on the API); the readiness probe says
so; and the same app, never restarted, works again once the database does.

The shared PostgreSQL server is never stopped: its outage is a database of our own that stops
accepting connections (``ALLOW_CONNECTIONS false`` and its backends terminated).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from survey import create_app
from survey.crypto import blindrsa
from survey.extensions import db
from survey.models import Branch, Invitation, Member, User
from survey.rounds.wire import b64u_decode, b64u_encode
from tests.committed import TEST_SECRET_KEY, committed_app, fresh_database, postgres_base_url
from tests.conftest import free_port, on_postgres
from tests.rounds_support import code_of, codes_of, make_collecting_round

UNAVAILABLE_ZH = "暂时无法使用"


@contextlib.contextmanager
def committed_session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        session = Session(bind=db.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        finally:
            session.close()


def seed_round(app: Flask) -> tuple[str, list[str]]:
    """A collecting round with six invitations; (round id, invitation codes)."""
    with committed_session(app) as session:
        branch = Branch(slug="outage", name="停机测试支部")
        users = [User(username=name, password_hash="!", branch=branch) for name in ("sj", "jj")]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        members = [Member(name=f"民警{i}", branch=branch) for i in range(6)]
        session.add_all([branch, *users, *members])
        session.flush()
        round_, _parts = make_collecting_round(app, session, branch, users[0], users[1], members)
        return round_.public_id, codes_of(round_)


def token_request(client: FlaskClient, round_id: str, code: str) -> Any:
    """Ask for a token as a phone would (with a fresh blinded message)."""
    keys = client.get(f"/api/v1/rounds/{round_id}/keys").get_json()
    public = blindrsa.load_public_spki(b64u_decode(keys["token_key"]["spki"]))
    message = blindrsa.prepare(blindrsa.build_token_message(round_id))
    blinded = blindrsa.blind(public, message).blinded_msg
    return client.post(
        f"/api/v1/rounds/{round_id}/tokens",
        json={"invitation": code, "blinded_msg": b64u_encode(blinded)},
    )


def assert_unavailable(response: Any, *, api: bool) -> None:
    assert response.status_code == 503, response.get_data()[:500]
    assert int(response.headers["Retry-After"]) > 0
    if api:
        body = response.get_json()
        assert body["error"] == "unavailable" and body["message"]
    else:
        assert response.mimetype == "text/html"
        assert UNAVAILABLE_ZH in response.get_data(as_text=True)


def assert_everything_unavailable(app: Flask, round_id: str = "abcdefgh") -> None:
    """Pages and API calls that need the database are 503; those that do not still work."""
    client = app.test_client()
    assert_unavailable(client.get(f"/api/v1/rounds/{round_id}/keys"), api=True)
    assert_unavailable(
        client.post(f"/api/v1/rounds/{round_id}/tokens", json={"invitation": "x"}), api=True
    )
    assert_unavailable(client.get(f"/r/{round_id}/board"), api=False)
    assert_unavailable(
        client.post("/auth/login", data={"username": "sj", "password": "x" * 12}), api=False
    )
    staff = app.test_client()
    with staff.session_transaction() as cookie:
        cookie["user"], cookie["user_v"] = "someone", 1
    assert_unavailable(staff.get("/secretary/roster"), api=False)
    ready = client.get("/healthz/ready")
    assert ready.status_code == 503 and int(ready.headers["Retry-After"]) > 0
    assert ready.get_json() == {"status": "unavailable"}
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/i").status_code == 200, "the officers' static page needs no database"


# --- probes ------------------------------------------------------------------------------------


def test_probes_answer_without_a_cookie_or_a_cache(tmp_path: Path) -> None:
    with fresh_database(tmp_path, "probes") as url:
        app = committed_app(url, tmp_path)
        client = app.test_client()
        for path, status in (("/healthz/live", "live"), ("/healthz/ready", "ready")):
            response = client.get(path)
            assert response.status_code == 200 and response.get_json() == {"status": status}
            assert "Set-Cookie" not in response.headers
            assert response.headers["Cache-Control"] == "no-store"
        app.extensions[db.key].engine.dispose()


def test_a_database_without_our_schema_is_not_ready(tmp_path: Path) -> None:
    with fresh_database(tmp_path, "empty") as url:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": url},
            instance_path=str(tmp_path),
        )
        assert app.test_client().get("/healthz/ready").status_code == 503
        app.extensions[db.key].engine.dispose()


# --- a database that is not there ----------------------------------------------------------------


def unreachable_urls(tmp_path: Path) -> Iterator[str]:
    yield "sqlite:///" + str(tmp_path / "no-such-folder" / "survey.db")
    yield f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/survey"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_unreachable_database_is_503_everywhere(tmp_path: Path, backend: str) -> None:
    url = next(u for u in unreachable_urls(tmp_path) if u.startswith(backend))
    app = committed_app_without_migrations(url, tmp_path)
    assert_everything_unavailable(app)
    english = app.test_client().get("/r/abcdefgh/board", headers={"Accept-Language": "en"})
    assert "Briefly unavailable" in english.get_data(as_text=True)


# --- SQLite: locked, read-only ----------------------------------------------------------------

sqlite_only = pytest.mark.skipif(on_postgres(), reason="SQLite's own outages")


@sqlite_only
def test_a_locked_sqlite_database_is_503_until_the_lock_goes(tmp_path: Path) -> None:
    app = committed_app("sqlite:///" + str(tmp_path / "locked.db"), tmp_path,
                        SQLITE_BUSY_TIMEOUT=1)
    round_id, codes = seed_round(app)
    client = app.test_client()
    locker = sqlite3.connect(str(tmp_path / "locked.db"), isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the timeout
    try:
        keys = client.get(f"/api/v1/rounds/{round_id}/keys")
        assert_unavailable(token_request_with(client, round_id, codes[0], keys), api=True)
        login = client.post("/auth/login", data={"username": "sj", "password": "x" * 12})
        assert_unavailable(login, api=False)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert token_request(client, round_id, codes[0]).status_code == 200
    app.extensions[db.key].engine.dispose()


def token_request_with(client: FlaskClient, round_id: str, code: str, keys: Any) -> Any:
    """A token request with keys already fetched (the keys request may itself be refused)."""
    if keys.status_code != 200:
        return keys
    public = blindrsa.load_public_spki(b64u_decode(keys.get_json()["token_key"]["spki"]))
    blinded = blindrsa.blind(public, blindrsa.prepare(blindrsa.build_token_message(round_id)))
    return client.post(
        f"/api/v1/rounds/{round_id}/tokens",
        json={"invitation": code, "blinded_msg": b64u_encode(blinded.blinded_msg)},
    )


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file cannot be written (root ignores permissions: the immutable flag then)."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot make a file immutable here: {done.stderr.decode().strip()}")
        undo = ["chattr", "-i", str(path)]
    else:
        path.chmod(0o444)
        undo = []
    try:
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            path.chmod(0o644)


@sqlite_only
def test_a_read_only_sqlite_file_is_503_for_writes_then_recovers_without_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "survey.db"
    setup = committed_app("sqlite:///" + str(path), tmp_path)
    round_id, codes = seed_round(setup)
    setup.extensions[db.key].engine.dispose()
    with read_only(path):
        # A worker starting now (a restored backup with the wrong owner, say).
        app = committed_app_without_migrations("sqlite:///" + str(path), tmp_path)
        client = app.test_client()
        assert client.get(f"/api/v1/rounds/{round_id}/keys").status_code == 200, "reads go on"
        assert client.get(f"/r/{round_id}/board").status_code == 404
        assert_unavailable(token_request(client, round_id, codes[0]), api=True)
        assert client.get("/healthz/ready").status_code == 503
    # Writable again; the same app, not restarted.
    assert client.get("/healthz/ready").status_code == 200
    assert token_request(client, round_id, codes[0]).status_code == 200
    assert token_request(client, round_id, codes[1]).status_code == 200
    app.extensions[db.key].engine.dispose()


def committed_app_without_migrations(url: str, instance: Path) -> Flask:
    return create_app(
        {"TESTING": True, "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": url,
         "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False},
        instance_path=str(instance),
    )


# --- PostgreSQL: a database that stops accepting connections, then starts again -------------------


@pytest.mark.skipif(not on_postgres(), reason="needs the PostgreSQL server")
def test_a_postgres_database_that_refuses_connections_is_503_then_recovers(
    tmp_path: Path,
) -> None:
    with fresh_database(tmp_path, "outage") as url:
        app = committed_app(url, tmp_path, PROPAGATE_EXCEPTIONS=False)
        round_id, codes = seed_round(app)
        client = app.test_client()
        assert token_request(client, round_id, codes[0]).status_code == 200
        name = make_url(url).database
        with database_refusing_connections(str(name)):
            assert_everything_unavailable(app, round_id)
            assert_unavailable(client.get(f"/api/v1/rounds/{round_id}/keys"), api=True)
        # Back, and the same app (its pool held connections the server killed) just works.
        assert client.get("/healthz/ready").status_code == 200
        assert client.get(f"/api/v1/rounds/{round_id}/keys").status_code == 200
        assert token_request(client, round_id, codes[1]).status_code == 200
        with committed_session(app) as session:
            invitations = session.scalars(select(Invitation)).all()
            used = [i for i in invitations if i.code_sealed and code_of(i) in codes[:2]]
            assert [i.used for i in used] == [True, True], "nothing acknowledged was lost"
        app.extensions[db.key].engine.dispose()


@contextlib.contextmanager
def database_refusing_connections(name: str) -> Iterator[None]:
    base = postgres_base_url()
    assert base is not None
    admin = create_engine(
        make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
