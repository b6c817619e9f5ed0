"""Apps on a committed database of their own, for what a rolled-back session cannot show:
concurrent requests, storage files, and live servers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from survey import create_app, migrations
from survey.extensions import db, make_engine

TEST_SECRET_KEY = "test-secret-key-not-for-production-0123456789"


def postgres_base_url() -> str | None:
    url = os.environ.get("SURVEY_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@contextlib.contextmanager
def fresh_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A new, empty database: a SQLite file, or on PostgreSQL a database created for it."""
    base = postgres_base_url()
    if base is None:
        yield "sqlite:///" + str(tmp_path / f"{name}.db")
        return
    url = make_url(base)
    database = f"{url.database}_{name}"
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False), {})
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield url.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def committed_app(database_url: str, instance_path: Path, **settings: Any) -> Flask:
    """An app whose requests commit for real, with the schema migrated."""
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "OPENING_ARGON2_MEMORY_KIB": 8,
        "OPENING_ARGON2_TIME_COST": 1,
        **settings,
    }
    app = create_app(config, instance_path=str(instance_path))
    with app.app_context():
        migrations.upgrade(db.engine)
    return app
