"""Rewriting the database storage after unseal, so no sealed bytes or arrival order survive.

Deleting rows is not enough: the database keeps freed pages, old row versions and a write-ahead
log, and a heap table keeps rows in the order they were written (DESIGN.md section 3). This runs
after the unseal transaction has committed, on its own connection and outside any transaction:

* SQLite: ``secure_delete`` (zeroes freed content; also on for every connection), ``VACUUM``
  (rebuilds the file; the WITHOUT ROWID tables come out in the order of their random keys) and a
  ``wal_checkpoint(TRUNCATE)`` that empties the write-ahead log file;
* PostgreSQL: ``CLUSTER`` of the tables keyed by random or hash values on their primary key (rows
  come out in key order, not in the order they were written) and ``VACUUM FULL`` of the others
  that held sealed bytes or keys. Both rewrite the tables into new files; then a ``CHECKPOINT``
  (when allowed) removes the old files. A rewrite keeps deleted rows that an older snapshot may
  still see, so it first waits until no session of this database holds a snapshot older than
  the rewrite itself, and no session of any database of the server a transaction that old.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

# Tables that are rewritten ordered by their random (or hash) primary key.
CLUSTERED_TABLES = (
    ("opinion_items", "pk_opinion_items"),
    ("themes", "pk_themes"),
    ("spent_tokens", "pk_spent_tokens"),
    ("topic_responses", "pk_topic_responses"),
)
# Tables that held sealed bytes or wrapped keys: rewritten to drop their old row versions.
VACUUMED_TABLES = ("sealed_answers", "rounds", "round_events")
# A rewrite waits this long for locks, then gives up instead of hanging.
LOCK_TIMEOUT_SECONDS = 30


class StorageNotRewritten(RuntimeError):
    """The storage could not be rewritten (another connection held it); run it again."""


def rewrite_storage(engine: Engine, *, timeout: int = LOCK_TIMEOUT_SECONDS) -> None:
    """Rewrite the storage of the affected tables; raises StorageNotRewritten on failure.

    ``timeout`` is how many seconds it waits for locks and older snapshots before giving up.
    """
    try:
        if engine.dialect.name == "sqlite":
            _rewrite_sqlite(engine, timeout)
        elif engine.dialect.name == "postgresql":
            _rewrite_postgresql(engine, timeout)
        else:  # pragma: no cover - only the two supported backends exist
            raise StorageNotRewritten(f"no storage rewrite for {engine.dialect.name}")
    except DBAPIError as error:
        raise StorageNotRewritten(str(error.orig)) from None
    except engine.dialect.loaded_dbapi.Error as error:  # raw connection (SQLite)
        raise StorageNotRewritten(str(error)) from None


def _rewrite_sqlite(engine: Engine, timeout: int) -> None:
    # A raw connection: our engine starts every SQLAlchemy transaction with BEGIN IMMEDIATE,
    # and VACUUM cannot run inside a transaction (the connection is in autocommit mode).
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    if busy is not None and busy[0]:
        raise StorageNotRewritten("the write-ahead log could not be checkpointed (busy)")


def _rewrite_postgresql(engine: Engine, timeout: int) -> None:
    with engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql(f"SET lock_timeout = '{int(timeout)}s'")
        _wait_for_older_snapshots(autocommit, timeout)
        for table, index in CLUSTERED_TABLES:
            autocommit.exec_driver_sql(f"CLUSTER {table} USING {index}")
        autocommit.exec_driver_sql("VACUUM FULL " + ", ".join(VACUUMED_TABLES))
        try:
            autocommit.exec_driver_sql("CHECKPOINT")
        except DBAPIError:
            log.info("CHECKPOINT not allowed for this role; old files go at the next one")


# Sessions whose snapshot (in this database) or running transaction (in any database of the
# server) is older than transaction id :x. A transaction still running anywhere holds back the
# snapshot of every new session, the rewrite's own included: its xmin is the oldest running
# transaction id of the whole server, so rows deleted after it would be copied as "recently dead".
_OLDER_SESSIONS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
    " AND ((datname = current_database() AND backend_xmin IS NOT NULL"
    " AND age(backend_xmin) >= age(CAST(:x AS xid)))"
    " OR (backend_xid IS NOT NULL AND age(backend_xid) >= age(CAST(:x AS xid))))"
)


def _wait_for_older_snapshots(connection: Connection, timeout: int) -> None:
    """Wait until every other session of this database started after the unseal committed."""
    # The 32-bit transaction id of a transaction that starts now (txid_current has the epoch).
    now_xid = str(connection.execute(text("SELECT txid_current() % 4294967296")).scalar())
    deadline = time.monotonic() + timeout
    while connection.execute(_OLDER_SESSIONS, {"x": now_xid}).scalar():
        if time.monotonic() > deadline:
            raise StorageNotRewritten("a session held an older snapshot; run the rewrite again")
        time.sleep(0.1)
