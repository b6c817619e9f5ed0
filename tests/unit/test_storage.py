"""Rewriting the storage after unseal: it waits for, and then refuses to ignore, other sessions.

Each test uses a database of its own (a SQLite file, or on PostgreSQL a database created and
dropped here), never the suite's rolled-back one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from survey import migrations
from survey.extensions import make_engine
from survey.rounds.storage import StorageNotRewritten, rewrite_storage
from tests.conftest import POSTGRES_URL, on_postgres


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    if not on_postgres():
        engine = make_engine("sqlite:///" + str(tmp_path / "storage.db"), {})
        migrations.upgrade(engine)
        yield engine
        engine.dispose()
        return
    base = make_url(POSTGRES_URL)
    name = f"{base.database}_rewrite"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False), {})
    migrations.upgrade(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_rewrite_runs_on_an_idle_database(engine: Engine) -> None:
    rewrite_storage(engine, timeout=5)
    if not on_postgres():
        wal = Path(str(engine.url.database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def test_rewrite_refuses_while_another_session_could_still_see_deleted_rows(
    engine: Engine,
) -> None:
    """A session older than the rewrite makes it give up rather than keep deleted rows.

    On PostgreSQL the session holds a snapshot without touching the rewritten tables: no lock
    stops the rewrite, but the rows it could still see would be copied into the new files.
    """
    other = engine.connect()
    if on_postgres():
        other = other.execution_options(isolation_level="REPEATABLE READ")
    transaction = other.begin()
    other.execute(text("SELECT count(*) FROM branches")).scalar()
    try:
        with pytest.raises(StorageNotRewritten):
            rewrite_storage(engine, timeout=1)
    finally:
        transaction.rollback()
        other.close()
    rewrite_storage(engine, timeout=5)


def test_rewrite_waits_for_a_transaction_running_in_another_database(engine: Engine) -> None:
    """A transaction id still running anywhere on the server holds back every snapshot, so rows
    deleted after it would survive the rewrite as "recently dead": it must refuse, not copy them.
    """
    if not on_postgres():
        pytest.skip("PostgreSQL only")
    admin = create_engine(make_url(POSTGRES_URL).set(database="postgres"))
    other = admin.connect()
    transaction = other.begin()
    other.execute(text("SELECT txid_current()")).scalar()  # takes a transaction id
    try:
        with pytest.raises(StorageNotRewritten):
            rewrite_storage(engine, timeout=1)
    finally:
        transaction.rollback()
        other.close()
        admin.dispose()
