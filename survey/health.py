"""Probes for load balancers, and getting the database back after an outage without a restart.

``GET /healthz/live`` answers 200 while the process serves requests (it asks the database
nothing); ``GET /healthz/ready`` answers 200 only when the database answers a trivial query on a
table of ours and, on SQLite, its file can be written (otherwise no answer could be accepted),
and 503 with ``Retry-After`` otherwise. Neither sets a cookie, and neither is written to the
request log (survey.security).

Recovery: PostgreSQL connections are checked before use (``pool_pre_ping``), so connections that
died while the server was down are replaced. SQLite opens a file it cannot write *read-only*
and such a connection stays read-only for good, even once the file is writable again; so a
connection opened that way is replaced as soon as the file is writable, and an error that means
the file is read-only, missing or failing discards every pooled connection.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy import Engine, event, exc

from survey.errors import RETRY_AFTER_SECONDS, database_problem
from survey.extensions import db

bp = Blueprint("health", __name__, url_prefix="/healthz")
logger = logging.getLogger(__name__)

# SQLite's extended error names that mean the connection, not the statement, is at fault.
_BROKEN_SQLITE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB")
_OPENED_READ_ONLY = "survey_opened_read_only"


@bp.get("/live")
def live() -> Response:
    return _no_store(jsonify(status="live"))


@bp.get("/ready")
def ready() -> Response:
    problem = database_not_ready(db.engine)
    if problem is None:
        return _no_store(jsonify(status="ready"))
    logger.warning("not ready: %s", problem)
    response = _no_store(jsonify(status="unavailable"))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def database_not_ready(engine: Engine) -> str | None:
    """Why the database cannot serve requests now, or None when it can.

    A raw connection runs the query outside SQLAlchemy's transaction events, so the probe never
    waits for SQLite's write lock behind a long write.
    """
    driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1 FROM alembic_version")
            cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
    except (exc.SQLAlchemyError, driver_error) as error:
        return database_problem(error)
    path = sqlite_path(engine)
    if path is not None and not _writable(path):
        return f"the SQLite file {path} (or its folder) cannot be written"
    return None


def sqlite_path(engine: Engine) -> str | None:
    """The file of a SQLite database, or None (PostgreSQL, or SQLite in memory)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return None if not database or database == ":memory:" else os.path.abspath(database)


def _writable(path: str) -> bool:
    """The file and its folder (where the -wal and -shm files live) can be written."""
    return os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK)


def install_database_recovery(engine: Engine) -> None:
    """Replace SQLite connections that cannot write once the file is writable again."""
    path = sqlite_path(engine)
    if path is None:
        return

    @event.listens_for(engine, "connect")
    def _note_read_only(_dbapi_connection: Any, record: Any) -> None:
        record.info[_OPENED_READ_ONLY] = not _writable(path)

    @event.listens_for(engine, "checkout")
    def _replace_if_writable_now(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(_OPENED_READ_ONLY) and _writable(path):
            # The pool discards this connection and opens a new one, read-write this time.
            raise exc.DisconnectionError("opened read-only; the file is writable now")

    @event.listens_for(engine, "handle_error")
    def _discard_broken_connections(context: Any) -> None:
        error = context.original_exception
        name = getattr(error, "sqlite_errorname", "")
        if isinstance(error, sqlite3.Error) and name.startswith(_BROKEN_SQLITE):
            context.is_disconnect = True
