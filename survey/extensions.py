"""Extensions, created once and bound to an app in ``create_app``. Imports nothing from the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def _context_scope() -> int:
    """One session per application context (one per request or CLI command)."""
    from flask import g

    return id(g._get_current_object())


@dataclass
class _BoundDatabase:
    engine: Engine
    session: scoped_session[Session]


class Database:
    """A SQLAlchemy engine and a context-scoped session per app, without Flask-SQLAlchemy."""

    key = "survey.db"

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        app.extensions[self.key] = _BoundDatabase(engine, scoped_session(factory, _context_scope))
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, exc: BaseException | None) -> None:
        self._bound().session.remove()

    def _bound(self, app: Flask | None = None) -> _BoundDatabase:
        return (app or current_app).extensions[self.key]

    @property
    def session(self) -> Session:
        """The session of the current application context."""
        return self._bound().session()

    @property
    def engine(self) -> Engine:
        return self._bound().engine

    def bind_session(self, app: Flask, factory: sessionmaker[Session]) -> None:
        """Swap the session factory (tests bind sessions to an outer transaction)."""
        self._bound(app).session = scoped_session(factory, _context_scope)


def make_engine(url: str, config: Any) -> Engine:
    """An engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": config.get("SQLITE_BUSY_TIMEOUT", 10)})
        _configure_sqlite(engine, int(config.get("SQLITE_BUSY_TIMEOUT", 10)))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, busy_timeout: int) -> None:
    """WAL, busy timeout, foreign keys, secure_delete; transactions that SQLAlchemy controls."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if ":memory:" not in str(engine.url) and engine.url.database:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a read-then-write transaction
        # waits for the lock instead of failing with "database is locked". A transaction
        # marked read-only (see ``begin_read_only``) never takes it: readers never wait.
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


# Marks a session's next transaction as one that only reads (SQLite: a deferred BEGIN).
READ_ONLY_OPTION = "survey_read_only"


def begin_read_only(session: Session) -> None:
    """Start ``session``'s transaction as a reader: on SQLite it takes no write lock, so it
    neither waits for writers nor holds them up. Call it before the transaction's first
    statement; a write in such a transaction may fail with "database is locked"."""
    session.connection(execution_options={READ_ONLY_OPTION: True})


db = Database()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=lambda: "global", default_limits=[])
