"""After unseal, the database file holds no sealed bytes and no arrival order (DESIGN.md §3).

These tests use a committed database of their own (a SQLite file, or on PostgreSQL a database
created for the test and dropped after it), because the rolled-back transaction of the other tests
never reaches the file. Answers go through the real API and the unseal through the committee's
form, which rewrites the storage after its transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from survey import create_app, migrations
from survey.crypto import seal
from survey.extensions import db
from survey.models import Branch, Member, OpinionItem, Round, User
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from tests.conftest import POSTGRES_URL, base_settings, on_postgres
from tests.factories import PASSWORD, log_in, password_hash
from tests.rounds_support import OfficerClient, codes_of, make_collecting_round
from tests.unseal_support import kendall_tau

ANSWERS = 12


@dataclass
class Committed:
    app: Flask
    read_storage: Callable[[], bytes]
    engine: Engine


def _sqlite(tmp_path: Path) -> tuple[str, Callable[[], bytes], Callable[[], None]]:
    path = tmp_path / "committed.db"

    def read() -> bytes:
        files = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    return "sqlite:///" + str(path), read, lambda: None


def _postgres() -> tuple[str, Callable[[], bytes], Callable[[], None]]:
    """A database of this test's own, next to the suite's (never the shared ``test``)."""
    base = make_url(POSTGRES_URL)
    name = f"{base.database}_storage"
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
def committed(tmp_path: Path) -> Iterator[Committed]:
    url, read, drop = _postgres() if on_postgres() else _sqlite(tmp_path)
    settings = {**base_settings(url), "REWRITE_STORAGE_AFTER_UNSEAL": True}
    app = create_app(settings, instance_path=str(tmp_path))
    with app.app_context():
        migrations.upgrade(db.engine)
    try:
        yield Committed(app, read, app.extensions[db.key].engine)
    finally:
        app.extensions[db.key].engine.dispose()
        drop()


def _people(session: Any) -> tuple[User, User, list[Member]]:
    branch = Branch(slug="storage", name="存储测试派出所党支部")
    session.add(branch)
    session.add(Member(name="张明", branch=branch))
    users = []
    for username, roles in (("shuji", {"secretary", "committee"}), ("jijian", {"committee"})):
        user = User(username=username, password_hash=password_hash(PASSWORD), branch=branch)
        user.roles = roles
        users.append(user)
        session.add(user)
    members = [Member(name=f"民警{i}", branch=branch) for i in range(ANSWERS)]
    session.add_all(members)
    session.flush()
    return users[0], users[1], members


def _numbered(i: int) -> str:
    return f"第{i:02d}号意见：值班编号{i:02d}的安排要更合理"


def _collect(committed: Committed) -> tuple[str, tuple[str, str], list[bytes]]:
    """A round with ANSWERS numbered answers sent in order and closed; everything committed."""
    app = committed.app
    with app.app_context():
        session = db.session
        secretary, second, members = _people(session)
        round_, parts = make_collecting_round(
            app, session, secretary.branch, secretary, second, members
        )
        codes = codes_of(round_)
        section = round_.sections[0].key
        round_id = round_.public_id
        session.commit()
        session.close()
    officer = OfficerClient(app.test_client(), round_id)
    public = officer.fetch_keys()["seal_key"]["public"]
    from survey.rounds.wire import b64u_decode

    sealed_all = []
    for i, code in enumerate(codes):
        token, signature = officer.obtain_token(code)
        sealed = seal.seal_answer(b64u_decode(public), {section: _numbered(i)}, round_id)
        response = officer.post("answers", officer.answer_body(token, signature, sealed))
        assert response.status_code == 201
        sealed_all.append(sealed)
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None
        lifecycle.close_round(db.session, round_, None, now=utcnow())
        db.session.commit()
        db.session.close()
    return round_id, parts, sealed_all


def _fragments(sealed: bytes) -> list[bytes]:
    """Pieces of the ciphertext (past the 65-byte enc) that no other data would contain."""
    return [sealed[offset : offset + 16] for offset in (100, 1500, 3000, 4100)]


def _wrapped_key_fragment(committed: Committed, round_id: str) -> bytes:
    with committed.app.app_context():
        wrapped = db.session.scalar(
            select(Round.seal_key_wrapped).where(Round.public_id == round_id)
        )
        db.session.close()
    assert wrapped is not None
    ct = re.search(rb'"ct":"([^"]+)"', wrapped)
    assert ct is not None
    return ct.group(1)[:24]


def _unseal_through_the_form(committed: Committed, round_id: str, parts: tuple[str, str]) -> None:
    """Each custodian gives their own part, logged in in their own browser."""
    last = None
    for username, part in (("shuji", parts[0]), ("jijian", parts[1])):
        client = committed.app.test_client()
        assert log_in(client, username).status_code == 302
        last = client.post(f"/custodian/rounds/{round_id}/unseal", data={"typed": part})
        assert last.status_code == 302, last.data.decode()
    assert last is not None
    page = client.get(last.headers["Location"]).data.decode()
    assert "could not be rewritten" not in page


def test_no_sealed_bytes_remain_in_the_database_file(committed: Committed) -> None:
    round_id, parts, sealed_all = _collect(committed)
    key_fragment = _wrapped_key_fragment(committed, round_id)
    hashes = [hashlib.sha256(s).digest() for s in sealed_all]
    before = committed.read_storage()
    # The check can fail: the fragments are there while the round is closed.
    assert all(any(f in before for f in _fragments(s)) for s in sealed_all)
    assert key_fragment in before
    assert any(h in before for h in hashes)

    _unseal_through_the_form(committed, round_id, parts)

    after = committed.read_storage()
    for sealed in sealed_all:
        for fragment in _fragments(sealed):
            assert fragment not in after
    assert key_fragment not in after
    assert not any(h in after for h in hashes)
    assert "值班编号".encode() in after  # the items themselves are there, as expected
    if not on_postgres():
        wal = Path(str(committed.engine.url.database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def test_no_arrival_order_in_the_database_file(committed: Committed) -> None:
    round_id, parts, _sealed = _collect(committed)
    _unseal_through_the_form(committed, round_id, parts)
    storage = committed.read_storage()
    offsets = []
    for i in range(ANSWERS):
        marker = f"值班编号{i:02d}".encode()
        assert storage.count(marker) == 1, i
        offsets.append((storage.index(marker), i))
    stored_order = [i for _, i in sorted(offsets)]
    assert sorted(stored_order) == list(range(ANSWERS))
    # Answers were sent 0, 1, 2 …; a random order of 12 has |tau| > 0.7 with p < 1e-3.
    assert abs(kendall_tau(stored_order)) < 0.7, stored_order
    with committed.engine.connect() as connection:
        if on_postgres():
            xmins = connection.execute(
                text("SELECT count(DISTINCT xmin::text) FROM opinion_items")
            ).scalar()
            assert xmins == 1  # one transaction wrote them all
            spent = connection.execute(
                text("SELECT count(DISTINCT xmin::text) FROM spent_tokens")
            ).scalar()
            assert spent == 1
        else:
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'opinion_items'")
            ).scalar()
            assert "WITHOUT ROWID" in str(sql)
        assert connection.execute(select(OpinionItem.id)).all()
