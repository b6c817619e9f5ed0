"""A committed database whose storage the tests read like an attacker with a copy of it.

The rolled-back transaction of the other tests never reaches the files, so these tests use a
database of their own: a SQLite file (read with its write-ahead log, byte for byte), or on
PostgreSQL a database created for the test and dropped after it, whose files the (superuser)
server reads back after a checkpoint. Answers go through the real API.

Registered as a pytest plugin in tests/conftest.py for the ``committed`` fixture.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from survey import create_app, migrations
from survey.crypto import seal
from survey.extensions import db
from survey.models import Invitation, Round
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.wire import b64u_decode
from tests.conftest import POSTGRES_URL, base_settings, on_postgres
from tests.factories import log_in, staffed_branch
from tests.rounds_support import OfficerClient, code_of, make_collecting_round

# Seconds a rewrite that should go through may wait (see the committed fixture).
PATIENT = 300


@dataclass
class Committed:
    app: Flask
    read_storage: Callable[[], bytes]
    engine: Engine
    url: str
    instance: Path

    def be_patient(self) -> None:
        """From now on the rewrite waits as long as it takes (after a test of its failure)."""
        self.app.config["STORAGE_REWRITE_TIMEOUT"] = PATIENT


@dataclass
class Collected:
    """A closed round; its answers were sent in ``used_order`` (invitation ids)."""

    round_id: str
    parts: tuple[str, str]
    sealed: list[bytes]
    used_order: list[int] = field(default_factory=list)


def _sqlite(tmp_path: Path) -> tuple[str, Callable[[], bytes], Callable[[], None]]:
    path = tmp_path / "committed.db"

    def read() -> bytes:
        files = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    return "sqlite:///" + str(path), read, lambda: None


def _postgres(suffix: str) -> tuple[str, Callable[[], bytes], Callable[[], None]]:
    """A database of this test's own, next to the suite's (never the shared ``test``)."""
    base = make_url(POSTGRES_URL)
    name = f"{base.database}_{suffix}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    reader = create_engine(url, isolation_level="AUTOCOMMIT")

    def read() -> bytes:
        """Every file of the database's directory, read by the (superuser) server."""
        with reader.connect() as connection:
            connection.exec_driver_sql("CHECKPOINT")
            oid = connection.scalar(
                text("SELECT oid FROM pg_database WHERE datname = current_database()")
            )
            folder = f"base/{oid}"
            names = connection.scalars(text("SELECT pg_ls_dir(:d)"), {"d": folder}).all()
            chunks = []
            for file_name in names:
                if re.fullmatch(r"\d+(_\w+)?(\.\d+)?", file_name):
                    chunks.append(
                        connection.scalar(
                            text("SELECT pg_read_binary_file(:p, 0, 100000000, true)"),
                            {"p": f"{folder}/{file_name}"},
                        )
                        or b""
                    )
            return b"".join(chunks)

    def drop() -> None:
        reader.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, read, drop


@pytest.fixture
def committed(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Committed]:
    """An app on a committed database of its own; a ``settings`` marker overrides settings."""
    marker = request.node.get_closest_marker("settings")
    extra = dict(marker.kwargs) if marker else {}
    url, read, drop = _postgres("storage") if on_postgres() else _sqlite(tmp_path)
    settings = {
        **base_settings(url),
        "REWRITE_STORAGE_AFTER_UNSEAL": True,
        # The rewrite waits for every older transaction on the server: on a shared test
        # server other databases may hold one for a while.
        "STORAGE_REWRITE_TIMEOUT": PATIENT,
        **extra,
    }
    app = create_app(settings, instance_path=str(tmp_path))
    with app.app_context():
        migrations.upgrade(db.engine)
    engine = app.extensions[db.key].engine
    try:
        yield Committed(app, read, engine, url, tmp_path)
    finally:
        engine.dispose()
        drop()


def numbered(i: int) -> str:
    return f"第{i:02d}号意见：值班编号{i:02d}的安排要更合理"


def marker(i: int) -> bytes:
    return f"值班编号{i:02d}".encode()


def interleaved(values: list[int]) -> list[int]:
    """First, last, second, second to last …: far from both ``values`` and its reverse."""
    order = []
    low, high = 0, len(values) - 1
    while low <= high:
        order.append(values[low])
        if low != high:
            order.append(values[high])
        low, high = low + 1, high - 1
    return order


def collect(
    committed: Committed,
    answers: int,
    invited: int | None = None,
    texts: Sequence[str] | None = None,
    **settings: Any,
) -> Collected:
    """A closed round: ``answers`` numbered answers (0, 1, 2 … in that order; ``texts`` instead
    when given) sent with the invitations used in :func:`interleaved` id order, out of
    ``invited``; all committed."""
    app = committed.app
    with app.app_context():
        session = db.session
        secretary, second, members = staffed_branch(
            session,
            "storage",
            "存储测试派出所党支部",
            ("shuji", "jijian"),
            officers=invited or answers,
            named=("张明",),
        )
        round_, parts = make_collecting_round(
            app, session, secretary.branch, secretary, second, members, **settings
        )
        codes = {i.id: code_of(i) for i in round_.invitations if i.code_sealed is not None}
        used = interleaved(sorted(codes))[:answers]
        section = round_.sections[0].key
        round_id = round_.public_id
        session.commit()
        session.close()
    officer = OfficerClient(app.test_client(), round_id)
    public = b64u_decode(officer.fetch_keys()["seal_key"]["public"])
    sealed_all = []
    for i, invitation_id in enumerate(used):
        token, signature = officer.obtain_token(codes[invitation_id])
        text = texts[i] if texts is not None else numbered(i)
        sealed = seal.seal_answer(public, {section: text}, round_id)
        response = officer.post("answers", officer.answer_body(token, signature, sealed))
        assert response.status_code == 201
        sealed_all.append(sealed)
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None
        lifecycle.close_round(db.session, round_, None, now=utcnow())
        db.session.commit()
        db.session.close()
    return Collected(round_id, parts, sealed_all, used)


def fragments(sealed: bytes) -> list[bytes]:
    """Pieces of the ciphertext (past the 65-byte enc) that no other data would contain."""
    return [sealed[offset : offset + 16] for offset in (100, 1500, 3000, 4100)]


def assert_wal_empty(committed: Committed) -> None:
    if not on_postgres():
        wal = Path(str(committed.engine.url.database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def assert_no_sealed_data(storage: bytes, sealed_all: list[bytes], key_fragment: bytes) -> None:
    """None of the sealed answers, their retry hashes or the wrapped key is in the storage."""
    for sealed in sealed_all:
        for fragment in fragments(sealed):
            assert fragment not in storage
    assert key_fragment not in storage
    assert not any(hashlib.sha256(s).digest() in storage for s in sealed_all)


def wrapped_key_fragment(committed: Committed, round_id: str) -> bytes:
    with committed.app.app_context():
        wrapped = db.session.scalar(
            select(Round.seal_key_wrapped).where(Round.public_id == round_id)
        )
        db.session.close()
    assert wrapped is not None
    ct = re.search(rb'"ct":"([^"]+)"', wrapped)
    assert ct is not None
    return ct.group(1)[:24]


def blinded_hashes(committed: Committed, round_id: str) -> dict[int, bytes]:
    """Invitation id → the hash of the blinded message it was used with (set when used)."""
    with committed.engine.connect() as connection:
        rows = connection.execute(
            select(Invitation.id, Invitation.blinded_hash)
            .join(Round)
            .where(Round.public_id == round_id, Invitation.blinded_hash.is_not(None))
        ).all()
    return {row.id: bytes(row.blinded_hash) for row in rows}


def round_state(committed: Committed, round_id: str) -> tuple[str, bool]:
    with committed.engine.connect() as connection:
        row = connection.execute(
            select(Round.state, Round.storage_rewrite_pending).where(Round.public_id == round_id)
        ).one()
    return str(row.state), bool(row.storage_rewrite_pending)


def committee_client(committed: Committed, username: str = "jijian") -> Any:
    client = committed.app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert log_in(client, username).status_code == 302
    return client


def unseal_through_the_form(committed: Committed, collected: Collected) -> str:
    """Unseal as the committee does: each custodian gives their own part, in their own login
    (survey/custodian/); the page shown to the second after the redirect."""
    first = committee_client(committed, "shuji")
    kept = first.post(
        f"/custodian/rounds/{collected.round_id}/unseal", data={"typed": collected.parts[0]}
    )
    assert kept.status_code == 302, kept.data.decode()
    client = committee_client(committed)
    response = client.post(
        f"/custodian/rounds/{collected.round_id}/unseal", data={"typed": collected.parts[1]}
    )
    assert response.status_code == 302, response.data.decode()
    return str(client.get(response.headers["Location"]).data.decode())


@contextlib.contextmanager
def older_reader(committed: Committed) -> Iterator[None]:
    """Someone who still reads the old storage while the rewrite runs.

    SQLite: a connection with an open read transaction (its snapshot pins the write-ahead log).
    PostgreSQL: a transaction in another database of the same server, started before; its
    snapshot is not this database's, but it holds back what any rewrite may drop.
    """
    if not on_postgres():
        path = str(committed.engine.url.database)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM rounds").fetchone()
        try:
            yield
        finally:
            reader.execute("ROLLBACK")
            reader.close()
        return
    other = create_engine(POSTGRES_URL)
    with other.connect() as connection:
        transaction = connection.begin()
        connection.execute(text("SELECT txid_current()"))
        try:
            yield
        finally:
            transaction.rollback()
    other.dispose()
