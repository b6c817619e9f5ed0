"""Fixture stack: app → a session rolled back per test → factories → actors.

The suite runs on SQLite by default and on PostgreSQL when SURVEY_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from survey import create_app, migrations
from survey.extensions import db, make_engine

pytest_plugins = [
    "tests.factories",
    "tests.rounds_support",
    "tests.storage_support",
    "tests.unseal_support",
    "tests.topics_support",
]

TEST_SECRET_KEY = "test-secret-key-not-for-production-0123456789"
POSTGRES_URL = os.environ.get("SURVEY_TEST_DATABASE_URL", "")


def on_postgres() -> bool:
    return POSTGRES_URL.startswith("postgresql")


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema, so migrations start from nothing."""
    engine = make_engine(url, {})
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if on_postgres():
        reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, {"SQLITE_BUSY_TIMEOUT": 10})
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    yield connection
    if outer.is_active:
        outer.rollback()
    connection.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


def base_settings(database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # The minimum Argon2id cost: opening codes are exercised, not their cost.
        "OPENING_ARGON2_MEMORY_KIB": 8,
        "OPENING_ARGON2_TIME_COST": 1,
    }


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    database_url: str,
    session_factory: sessionmaker[Session],
    tmp_path: Any,
) -> Iterator[Flask]:
    """The app, its sessions bound to the rolled-back connection; ``@pytest.mark.settings``."""
    settings = base_settings(database_url)
    for marker in request.node.iter_markers("settings"):
        settings.update(marker.kwargs)
    app = create_app(settings, instance_path=str(tmp_path))
    db.bind_session(app, session_factory)
    yield app
    app.extensions[db.key].engine.dispose()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session on the test's connection, for services and checks outside requests."""
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
