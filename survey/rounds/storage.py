"""Rewriting the database storage after unseal and after discard (DESIGN.md section 3).

Deleting rows is not enough: the database keeps freed pages, old row versions and a write-ahead
log, a heap table keeps rows in the order they were written, and on PostgreSQL every row carries
the id of the transaction that wrote it (``xmin``), so rows written one per answer or one per
token request are in arrival order. So:

1. In the unseal (or discard) transaction, :func:`mark_for_rewrite` rewrites every row of every
   table that refers to the round (one ``UPDATE`` per table with a ``round_id``), so all of them
   carry that one transaction's id, and sets the round's ``storage_rewrite_pending`` flag.
2. After that transaction committed, :func:`rewrite_pending` rewrites the storage on a
   connection of its own, outside any transaction, and only then clears the flags:

   * SQLite: ``secure_delete`` (zeroes freed content; on for every connection), ``VACUUM`` (a new
     file: rowid tables in id order, WITHOUT ROWID tables in the order of their random keys; its
     temporary copy is kept in memory) and ``wal_checkpoint(TRUNCATE)``, which must empty the
     write-ahead log: a reader that still holds an older snapshot makes it fail, never pass.
   * PostgreSQL: ``CLUSTER`` of every table of the schema on its primary key (a new file, rows in
     key order: random keys, or ids given out before collection began; no dead row versions),
     then ``pg_switch_wal()`` and ``CHECKPOINT`` where the role may (otherwise it says so). A
     rewrite keeps every row version an older transaction could still see, in this database or
     (through its own snapshot) in any other database of the server, so it first waits until no
     transaction or snapshot older than the rewrite is left, and gives up clearly otherwise.

A failure leaves the flag set: the committee sees it, and ``survey round rewrite-storage ID`` or
the button on the round page runs the rewrite again. What the write-ahead log archive and
physical backups keep is in docs/threat-model.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from survey.faults import kill_point
from survey.models import Base, Round
from survey.rounds.clock import utcnow
from survey.rounds.log import log_event

log = logging.getLogger(__name__)

# A rewrite waits this long for locks and older transactions, then gives up instead of hanging.
LOCK_TIMEOUT_SECONDS = 30


class StorageNotRewritten(RuntimeError):
    """The storage could not be rewritten (another session held it); run it again."""


@dataclass(frozen=True)
class RewriteReport:
    """What a rewrite did: rounds whose flag it cleared, and notes on what the role may not do."""

    rounds: int
    notes: tuple[str, ...] = ()


def mark_for_rewrite(session: Session, round_: Round) -> None:
    """In the unseal or discard transaction: one transaction id on every row of the round.

    Every row that refers to the round (any column with a foreign key to ``rounds.id``) is
    rewritten in place, so on PostgreSQL its ``xmin`` is this transaction's and no longer says
    in which order invitations were used or answers arrived.
    """
    rounds_id = Round.__table__.c.id
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(key.column is rounds_id for key in column.foreign_keys):
                session.execute(
                    update(table).where(column == round_.id).values({column.name: column})
                )
    round_.storage_rewrite_pending = True
    session.flush()


def rewrite_if_enabled(
    session: Session, engine: Engine, config: Mapping[str, Any]
) -> RewriteReport | None:
    """:func:`rewrite_after_commit` with the app's settings; None when they switch it off.

    Only tests switch it off (their rolled-back transaction holds the database); the flags of
    the rounds then stay set, truthfully.
    """
    if not config["REWRITE_STORAGE_AFTER_UNSEAL"]:
        return None
    timeout = float(config["STORAGE_REWRITE_TIMEOUT"])
    return rewrite_after_commit(session, engine, timeout=timeout)


def rewrite_after_commit(session: Session, engine: Engine, *, timeout: float) -> RewriteReport:
    """Run right after the commit that set a flag: end the session, rewrite, clear the flags.

    The session is closed first: a transaction of its own would otherwise hold the old snapshot
    the rewrite waits for.
    """
    session.close()
    return rewrite_pending(engine, timeout=timeout)


def rewrite_pending(
    engine: Engine, *, timeout: float = LOCK_TIMEOUT_SECONDS, now: datetime | None = None
) -> RewriteReport:
    """Rewrite the storage, then clear the flag of every round that waited for it, logged.

    Rounds flagged after the rewrite began keep their flag: their rows may not be rewritten.
    """
    with _reported(engine):
        with engine.connect() as connection:
            pending = connection.scalars(
                select(Round.id).where(Round.storage_rewrite_pending.is_(True))
            ).all()
            connection.rollback()
        notes = _rewrite(engine, timeout)
        kill_point("rewrite:before-flags")
        _clear_flags(engine, pending, notes, now or utcnow())
        if engine.dialect.name == "sqlite":
            # Clearing the flags wrote to the log again (pages as they are after the rewrite);
            # checkpoint once more so the log file ends empty. Harmless if a reader prevents it.
            raw = engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.close()
    return RewriteReport(len(pending), notes)


def _clear_flags(engine: Engine, ids: Sequence[int], notes: tuple[str, ...], now: datetime) -> None:
    if not ids:
        return
    with Session(engine) as session, session.begin():
        for round_ in session.scalars(select(Round).where(Round.id.in_(ids))):
            round_.storage_rewrite_pending = False
            log_event(session, round_, "storage_rewritten", actor=None, now=now, complete=not notes)


def rewrite_storage(engine: Engine, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> tuple[str, ...]:
    """Rewrite every table's storage; raises StorageNotRewritten on failure.

    ``timeout`` is how many seconds it waits for locks and older snapshots before giving up.
    Returns notes on steps the database role was not allowed to take (PostgreSQL).
    """
    with _reported(engine):
        return _rewrite(engine, timeout)


@contextlib.contextmanager
def _reported(engine: Engine) -> Iterator[None]:
    """Database errors (locked, busy, timed out) become StorageNotRewritten."""
    try:
        yield
    except DBAPIError as error:
        raise StorageNotRewritten(str(error.orig).strip()) from None
    except engine.dialect.loaded_dbapi.Error as error:  # raw connection (SQLite)
        raise StorageNotRewritten(str(error)) from None


def _rewrite(engine: Engine, timeout: float) -> tuple[str, ...]:
    if engine.dialect.name == "sqlite":
        _rewrite_sqlite(engine, timeout)
        return ()
    if engine.dialect.name == "postgresql":
        return _rewrite_postgresql(engine, timeout)
    raise StorageNotRewritten(f"no storage rewrite for {engine.dialect.name}")


def _rewrite_sqlite(engine: Engine, timeout: float) -> None:
    # A raw connection: our engine starts every SQLAlchemy transaction with BEGIN IMMEDIATE,
    # and VACUUM cannot run inside a transaction (the connection is in autocommit mode).
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA secure_delete=ON")
        # VACUUM builds the new file in a temporary database: in memory, not in a file in /tmp.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("VACUUM")
        kill_point("rewrite:vacuumed")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    if busy is not None and busy[0]:
        raise StorageNotRewritten(
            "the write-ahead log could not be emptied: another connection still reads an older"
            " snapshot"
        )
    wal = f"{engine.url.database}-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        raise StorageNotRewritten("the write-ahead log file was not emptied")


def _rewrite_postgresql(engine: Engine, timeout: float) -> tuple[str, ...]:
    with engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
        _wait_for_older_transactions(autocommit, timeout)
        for number, (table, index) in enumerate(_clustered_tables(autocommit)):
            autocommit.exec_driver_sql(f'CLUSTER "{table}" USING "{index}"')
            if number == 0:
                kill_point("rewrite:clustered-one")
        return _flush_wal(autocommit)


def _clustered_tables(connection: Connection) -> list[tuple[str, str]]:
    """(table, primary key index) for every table of the schema that exists in the database."""
    present = set(
        connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    )
    return [
        (table.name, str(table.primary_key.name))
        for table in Base.metadata.sorted_tables
        if table.name in present and table.primary_key.name
    ]


def _flush_wal(connection: Connection) -> tuple[str, ...]:
    """End the current WAL segment and checkpoint, so old segments can go; say what is refused."""
    notes = []
    for statement in ("SELECT pg_switch_wal()", "CHECKPOINT"):
        try:
            connection.exec_driver_sql(statement)
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0]
            notes.append(f"{statement.removeprefix('SELECT ')} not allowed for this role: {reason}")
    for note in notes:
        log.warning("storage rewrite: %s", note)
    return tuple(notes)


# True while any transaction older than :x (64-bit) is running anywhere on the server (its
# snapshot would make CLUSTER keep old row versions), or a session of this database, a WAL
# sender or a replication slot holds a snapshot from before it.
_OLDER_TRANSACTIONS = text(
    "SELECT txid_snapshot_xmin(txid_current_snapshot()) <= CAST(:x AS bigint)"
    " OR EXISTS (SELECT 1 FROM pg_stat_activity"
    "   WHERE pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
    "   AND (datname = current_database() OR backend_type = 'walsender')"
    "   AND age(backend_xmin) >= age(CAST(:x32 AS xid)))"
    " OR EXISTS (SELECT 1 FROM pg_replication_slots"
    "   WHERE xmin IS NOT NULL AND age(xmin) >= age(CAST(:x32 AS xid)))"
)


def _wait_for_older_transactions(connection: Connection, timeout: float) -> None:
    """Wait until every transaction and snapshot on the server is younger than this moment."""
    now_xid = int(connection.execute(text("SELECT txid_current()")).scalar_one())
    params = {"x": now_xid, "x32": str(now_xid % 2**32)}
    deadline = time.monotonic() + timeout
    while connection.execute(_OLDER_TRANSACTIONS, params).scalar():
        if time.monotonic() > deadline:
            raise StorageNotRewritten(
                "another transaction older than the rewrite is still open on the database"
                " server; run the rewrite again when it has ended"
            )
        time.sleep(0.1)
