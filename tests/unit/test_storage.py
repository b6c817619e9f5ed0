"""Rewriting the storage after unseal: it waits for, and then refuses to ignore, other sessions;
it clears the flags of the rounds that waited for it, and only when it succeeded.

Each test uses a database of its own (a SQLite file, or on PostgreSQL a database created and
dropped here), never the suite's rolled-back one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from survey import migrations
from survey.extensions import make_engine
from survey.models import Branch, Round, RoundEvent
from survey.rounds.storage import StorageNotRewritten, rewrite_pending, rewrite_storage
from tests.conftest import POSTGRES_URL, on_postgres

# A rewrite that should go through waits for every older transaction on the server, and other
# databases of a shared test server may hold one for a while; one that should fail gets 1 s.
PATIENT = 300


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
    rewrite_storage(engine, timeout=PATIENT)
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
    rewrite_storage(engine, timeout=PATIENT)


def test_a_reader_holding_a_snapshot_makes_the_checkpoint_fail_not_pass(engine: Engine) -> None:
    """SQLite: VACUUM goes through a reader, but the log it leaves must not stay unnoticed."""
    if on_postgres():
        pytest.skip("SQLite's write-ahead log")
    reader = sqlite3.connect(str(engine.url.database), isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM rounds").fetchone()
    try:
        with pytest.raises(StorageNotRewritten, match="older snapshot"):
            rewrite_storage(engine, timeout=1)
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    rewrite_storage(engine, timeout=PATIENT)
    assert Path(str(engine.url.database) + "-wal").stat().st_size == 0


def test_a_transaction_in_another_database_of_the_server_holds_the_rewrite_back(
    engine: Engine,
) -> None:
    """PostgreSQL: CLUSTER keeps every row version an older snapshot might see, and its own
    snapshot counts transactions of every database on the server. An older transaction
    elsewhere would leave the deleted rows in the new files; the rewrite refuses instead."""
    if not on_postgres():
        pytest.skip("PostgreSQL's transaction horizon")
    other = create_engine(POSTGRES_URL)  # the suite's database, not the rewritten one
    with other.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("SELECT txid_current()"))
        try:
            with pytest.raises(StorageNotRewritten, match="older than the rewrite"):
                rewrite_storage(engine, timeout=1)
        finally:
            transaction.rollback()
    other.dispose()
    rewrite_storage(engine, timeout=PATIENT)


def _flagged_round(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        branch = Branch(slug="flags", name="标记支部")
        round_ = Round(
            branch=branch,
            title="t",
            state="summarising",
            created_on=date(2026, 1, 1),
            storage_rewrite_pending=True,
        )
        session.add(round_)
        session.flush()
        return round_.id


def _flag_and_events(engine: Engine, round_id: int) -> tuple[bool, list[str]]:
    with Session(engine) as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        kinds = session.scalars(
            select(RoundEvent.kind).where(RoundEvent.round_id == round_id)
        ).all()
        return round_.storage_rewrite_pending, list(kinds)


def test_the_flag_is_cleared_only_by_a_rewrite_that_succeeded(engine: Engine) -> None:
    round_id = _flagged_round(engine)
    other = engine.connect()
    if on_postgres():
        other = other.execution_options(isolation_level="REPEATABLE READ")
    transaction = other.begin()
    other.execute(text("SELECT count(*) FROM branches")).scalar()
    try:
        with pytest.raises(StorageNotRewritten):
            rewrite_pending(engine, timeout=1)
    finally:
        transaction.rollback()
        other.close()
    assert _flag_and_events(engine, round_id) == (True, [])
    report = rewrite_pending(engine, timeout=PATIENT)
    assert report.rounds == 1
    assert _flag_and_events(engine, round_id) == (False, ["storage_rewritten"])


def test_a_role_that_may_not_checkpoint_is_told_so(tmp_path: Path) -> None:
    """PostgreSQL: an ordinary owner role rewrites its tables; the WAL switch and checkpoint
    need more, and the rewrite says which steps it could not take."""
    if not on_postgres():
        pytest.skip("PostgreSQL roles")
    base = make_url(POSTGRES_URL)
    role, name = f"{base.database}_plainrole", f"{base.database}_plain"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')

    drop()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER "{role}"')
    engine = make_engine(
        base.set(database=name, username=role).render_as_string(hide_password=False), {}
    )
    try:
        migrations.upgrade(engine)
        notes = rewrite_storage(engine, timeout=PATIENT)
    finally:
        engine.dispose()
        drop()
        admin.dispose()
    assert len(notes) == 2
    assert notes[0].startswith("pg_switch_wal() not allowed") and "permission denied" in notes[0]
    assert notes[1].startswith("CHECKPOINT not allowed")
