"""Migrations build the schema from nothing, twice without harm, and match the models exactly.

SQLite always; PostgreSQL too when SURVEY_TEST_DATABASE_URL points at one (a fresh database is
created on that server for the test and dropped afterwards).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from survey import create_app, migrations
from survey.extensions import make_engine
from survey.models import Base

POSTGRES_URL = os.environ.get("SURVEY_TEST_DATABASE_URL", "")


def head_revision() -> str:
    head = ScriptDirectory.from_config(migrations.alembic_config()).get_current_head()
    assert head is not None
    return head


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def check_fresh_database(engine: Engine) -> None:
    assert migrations.current_revision(engine) is None
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == head_revision()
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert differences(engine) == [], "the models and the migration differ: regenerate it"


def test_migrations_on_an_empty_sqlite_database(tmp_path: Path) -> None:
    engine = make_engine("sqlite:///" + str(tmp_path / "empty.db"), {})
    try:
        check_fresh_database(engine)
    finally:
        engine.dispose()


@pytest.fixture
def fresh_postgres() -> Iterator[Engine]:
    if not POSTGRES_URL.startswith("postgresql"):
        pytest.skip("SURVEY_TEST_DATABASE_URL does not point at PostgreSQL")
    server = make_url(POSTGRES_URL)
    name = "survey_migrations_" + secrets.token_hex(4)
    admin = make_engine(
        server.set(database="postgres").render_as_string(hide_password=False), {}
    ).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(server.set(database=name).render_as_string(hide_password=False), {})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_on_an_empty_postgres_database(fresh_postgres: Engine) -> None:
    check_fresh_database(fresh_postgres)


def test_init_db_command_is_idempotent(tmp_path: Path) -> None:
    app = create_app(
        {"DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.db"), "TESTING": True},
        instance_path=str(tmp_path),
    )
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert f"revision {head_revision()}" in result.stderr
    app.extensions["survey.db"].engine.dispose()
