"""A copy of the database alone holds no usable invitation code (DESIGN.md section 3, "Stuffing").

The attack: take a copy of the database (the SQLite file, a ``pg_dump``), read every invitation
code out of it and fill the unused ones. The copy is made while the round collects, after codes
were handed out, shown again, used and reissued; it is searched byte for byte and column by
column. Without the app secret the stored encryptions do not open.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from survey.auth.passwords import hash_password
from survey.crypto import invitation_codes
from survey.crypto.errors import KeyUnwrapFailed
from survey.extensions import db
from survey.models import Base, Branch, Invitation, Member, Round, User
from survey.rounds import showing
from survey.rounds.clock import utcnow
from survey.rounds.invitations import display_code, reissue_invitation
from tests.committed import committed_app, fresh_database, postgres_base_url
from tests.rounds_support import TEST_SECRET, OfficerClient, code_of, make_collecting_round


def _collecting_round(app: Flask) -> tuple[str, list[str]]:
    """A round whose codes were handed out, shown again, used and reissued: (id, every code)."""
    with app.test_request_context():
        session = db.session
        branch = Branch(slug="copy", name="复制支部")
        first = User(username="s", password_hash=hash_password("x" * 12), branch=branch)
        first.roles = {"secretary", "committee"}
        second = User(username="c", password_hash=hash_password("x" * 12), branch=branch)
        second.roles = {"committee"}
        members = [Member(name=f"警官{i}", branch=branch) for i in range(6)]
        session.add_all([branch, first, second, *members])
        session.flush()
        round_, _ = make_collecting_round(app, session, branch, first, second, members)
        for which in ("new", "all"):
            showing.show_codes(
                session,
                round_,
                which,
                channel="csv",
                actor=first,
                secret=TEST_SECRET,
                now=utcnow(),
            )
        codes = [code_of(i) for i in round_.invitations]
        replaced = round_.invitations[1]
        fresh = reissue_invitation(session, replaced, first, "丢失", TEST_SECRET, now=utcnow())
        codes.append(code_of(fresh))
        session.commit()
        round_id = round_.public_id
    OfficerClient(app.test_client(), round_id).obtain_token(codes[0])
    return round_id, codes


def _forms(code: str) -> list[bytes]:
    """Every way a code could be written down: as is, upper case, in groups, in UTF-16."""
    texts = {code, code.upper(), display_code(code), code[:13], code[13:]}
    return [t.encode(enc) for t in texts for enc in ("ascii", "utf-16-le", "utf-16-be")]


def _all_values(app: Flask) -> list[object]:
    """Every value of every column of every table."""
    values: list[object] = []
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                values.extend(row)
    return values


def _assert_nothing_usable(app: Flask, codes: list[str], copy: bytes) -> None:
    assert len(copy) > 10_000
    for code in codes:
        for form in _forms(code):
            assert form not in copy, f"a code is readable in the database copy ({form!r})"
    for value in _all_values(app):
        as_bytes = value if isinstance(value, bytes) else str(value).encode()
        assert not any(code.encode() in as_bytes for code in codes), value
    with app.app_context():
        invitations = db.session.scalars(select(Invitation)).all()
        round_ids = {r.id: r.public_id for r in db.session.scalars(select(Round))}
        sealed = [i for i in invitations if i.code_sealed is not None]
        assert len(sealed) == 6 and all(i.code_hash for i in invitations)
        for invitation in sealed:  # without the app secret, nothing opens
            with pytest.raises(KeyUnwrapFailed):
                invitation_codes.open_code(
                    invitation.code_sealed,
                    b"a-guessed-secret",
                    round_ids[invitation.round_id],
                    invitation.public_id,
                )


def test_a_sqlite_file_copy_holds_no_invitation_code(tmp_path: Path) -> None:
    if postgres_base_url() is not None:
        pytest.skip("the PostgreSQL variant copies the database with pg_dump")
    with fresh_database(tmp_path, "copy") as url:
        app = committed_app(url, tmp_path)
        round_id, codes = _collecting_round(app)
        with app.app_context():
            db.engine.dispose()
        database = Path(str(make_url(url).database))
        copy = b"".join(
            p.read_bytes() for p in database.parent.glob(database.name + "*") if p.is_file()
        )
        assert round_id.encode() in copy and "警官0".encode() in copy  # the search would find it
        _assert_nothing_usable(app, codes, copy)


def test_a_postgres_dump_holds_no_invitation_code(tmp_path: Path) -> None:
    if postgres_base_url() is None:
        pytest.skip("SURVEY_TEST_DATABASE_URL does not point at PostgreSQL")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed to copy the database (apt-get install postgresql-client)")
    with fresh_database(tmp_path, "copy") as url:
        app = committed_app(url, tmp_path)
        round_id, codes = _collecting_round(app)
        target = make_url(url)
        dumped = subprocess.run(
            [
                pg_dump,
                "--no-owner",
                "-h",
                str(target.host),
                "-p",
                str(target.port or 5432),
                "-U",
                str(target.username),
                str(target.database),
            ],
            check=True,
            capture_output=True,
        )
        copy = dumped.stdout
        assert round_id.encode() in copy and "警官0".encode() in copy  # the search would find it
        _assert_nothing_usable(app, codes, copy)
        with app.app_context():
            db.engine.dispose()
