"""After a text edit, the old text is in no file of the database either (DESIGN.md §3 spirit:
what is removed is really removed). A committed database of the test's own, as in
test_unseal_storage.py: the rolled-back transaction of the other tests never reaches a file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from survey import create_app, migrations
from survey.crypto import seal
from survey.extensions import db
from survey.models import Branch, Member, OpinionItem, Round, User
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode
from tests.conftest import POSTGRES_URL, base_settings, on_postgres
from tests.factories import PASSWORD, log_in, password_hash
from tests.rounds_support import OfficerClient, codes_of, make_collecting_round

SECRET = "王建国那天值班喝了酒被我看见"
ANSWERS = [SECRET, *[f"业务培训太少，希望每季度组织{n}次培训" for n in range(1, 7)]]


def _sqlite(tmp_path: Path) -> tuple[str, Callable[[], bytes], Callable[[], None]]:
    path = tmp_path / "redaction.db"

    def read() -> bytes:
        files = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    return "sqlite:///" + str(path), read, lambda: None


def _postgres() -> tuple[str, Callable[[], bytes], Callable[[], None]]:
    base = make_url(POSTGRES_URL)
    name = f"{base.database}_redaction"
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
            names = connection.scalars(text("SELECT pg_ls_dir(:d)"), {"d": f"base/{oid}"}).all()
            return b"".join(
                connection.scalar(
                    text("SELECT pg_read_binary_file(:p, 0, 100000000, true)"),
                    {"p": f"base/{oid}/{name}"},
                )
                or b""
                for name in names
                if re.fullmatch(r"\d+(_\w+)?(\.\d+)?", name)
            )

    def drop() -> None:
        reader.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, read, drop


@pytest.fixture
def committed(tmp_path: Path) -> Iterator[tuple[Flask, Callable[[], bytes]]]:
    url, read, drop = _postgres() if on_postgres() else _sqlite(tmp_path)
    settings = {**base_settings(url), "REWRITE_STORAGE_AFTER_UNSEAL": True}
    app = create_app(settings, instance_path=str(tmp_path))
    with app.app_context():
        migrations.upgrade(db.engine)
    try:
        yield app, read
    finally:
        app.extensions[db.key].engine.dispose()
        drop()


def _unsealed_round(app: Flask) -> str:
    """A round answered through the API, closed and unsealed; everything committed."""
    with app.app_context():
        session = db.session
        branch = Branch(slug="redaction", name="编辑测试派出所党支部")
        session.add(branch)
        users = []
        for username, roles in (("shuji", {"secretary", "committee"}), ("jijian", {"committee"})):
            user = User(username=username, password_hash=password_hash(PASSWORD), branch=branch)
            user.roles = roles
            users.append(user)
            session.add(user)
        members = [Member(name=f"民警{i}", branch=branch) for i in range(len(ANSWERS) + 2)]
        session.add_all(members)
        session.flush()
        round_, parts = make_collecting_round(app, session, branch, users[0], users[1], members)
        codes, round_id, section = codes_of(round_), round_.public_id, round_.sections[0].key
        session.commit()
    officer = OfficerClient(app.test_client(), round_id)
    public = b64u_decode(officer.fetch_keys()["seal_key"]["public"])
    for answer, code in zip(ANSWERS, codes, strict=False):
        token, signature = officer.obtain_token(code)
        sealed = seal.seal_answer(public, {section: answer}, round_id)
        assert officer.post("answers", officer.answer_body(token, signature, sealed)).status_code
    with app.app_context():
        found = db.session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None
        lifecycle.close_round(db.session, found, None, now=utcnow())
        unseal_round(db.session, found, *parts, now=utcnow(), actor=None)
        db.session.commit()
        db.session.close()
    return round_id


def test_the_old_text_is_in_no_database_file_after_a_text_edit(
    committed: tuple[Flask, Callable[[], bytes]],
) -> None:
    app, read_storage = committed
    round_id = _unsealed_round(app)
    with app.app_context():
        item_id = db.session.scalar(select(OpinionItem.id).where(OpinionItem.text == SECRET))
        db.session.close()
    assert item_id is not None
    client = app.test_client()
    assert log_in(client, "jijian").status_code == 302
    base = f"/committee/rounds/{round_id}"
    # Touch the item's row and the log a few times, so old versions exist to be left behind.
    for status in ("set_aside", "active"):
        assert client.post(f"{base}/items/{item_id}/status", data={"status": status}).status_code
    assert SECRET.encode() in read_storage()  # the search can find it

    response = client.post(f"{base}/items/{item_id}/text", data={"text": "有同志值班期间饮酒"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "could not be rewritten" not in page and "有同志值班期间饮酒" in page

    storage = read_storage()
    assert SECRET.encode() not in storage
    assert "王建国".encode() not in storage
    assert "有同志值班期间饮酒".encode() in storage
    if not on_postgres():
        wal = Path(str(make_url(app.config["DATABASE_URL"]).database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
