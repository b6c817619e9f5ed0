"""DESIGN.md section 3 as tests: what the database, logs and rate limiter may never hold."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import DateTime, Engine, select, text
from sqlalchemy.orm import Session

from survey.api import limits
from survey.extensions import db
from survey.models import (
    Base,
    Invitation,
    Member,
    Round,
    SealedAnswer,
    SpentToken,
    User,
)
from survey.security import QuietRequestLogFilter
from tests.committed import committed_app, fresh_database
from tests.rounds_support import OfficerClient, code_of, make_collecting_round

ANSWER_TABLES = ("sealed_answers", "spent_tokens")


def test_answer_tables_hold_nothing_personal_and_no_time() -> None:
    for name in ANSWER_TABLES:
        table = Base.metadata.tables[name]
        assert not [c for c in table.columns if isinstance(c.type, DateTime)]
        assert {fk.column.table.name for fk in table.foreign_keys} == {"rounds"}
        assert not {"ip", "user_agent", "created_at", "member_id", "invitation_id"} & set(
            table.columns.keys()
        )
    assert set(Base.metadata.tables["sealed_answers"].columns.keys()) == {
        "id",
        "round_id",
        "sealed",
    }
    assert set(Base.metadata.tables["spent_tokens"].columns.keys()) == {
        "spent_key",
        "round_id",
        "sealed_hash",
    }


def test_invitation_use_is_stored_without_time() -> None:
    table = Base.metadata.tables["invitations"]
    assert not [c for c in table.columns if isinstance(c.type, DateTime)]


def test_sqlite_answer_tables_keep_no_arrival_order(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("WITHOUT ROWID is a SQLite storage property")
    with engine.connect() as connection:
        for name in ANSWER_TABLES:
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:n"), {"n": name}
            ).scalar_one()
            assert "WITHOUT ROWID" in sql.upper(), name


def test_spent_key_is_the_primary_key() -> None:
    assert [c.name for c in Base.metadata.tables["spent_tokens"].primary_key] == ["spent_key"]


def _codes(session: Session, round_: Round) -> list[str]:
    return [
        code_of(i)
        for i in session.scalars(select(Invitation).where(Invitation.round_id == round_.id))
        if i.code_sealed is not None
    ]


def test_answers_get_random_ids_and_tokens_leave_no_log_event(
    client: Any, session: Session, open_round: Round
) -> None:
    officer = OfficerClient(client, open_round.public_id)
    events_before = session.scalar(text("SELECT count(*) FROM round_events"))
    section = officer.fetch_keys()["sections"][0]["id"]
    for code in _codes(session, open_round):
        token, signature = officer.obtain_token(code)
        assert (
            officer.post(
                "answers", officer.answer_body(token, signature, officer.sealed({section: code}))
            ).status_code
            == 201
        )
    assert session.scalar(text("SELECT count(*) FROM round_events")) == events_before
    ids = [
        a.id
        for a in session.scalars(select(SealedAnswer).where(SealedAnswer.round_id == open_round.id))
    ]
    assert len(ids) == len(_codes(session, open_round)) and all(len(i) == 16 for i in ids)
    assert len(set(ids)) == len(ids)


def test_no_log_line_holds_a_code_a_name_or_an_address(
    client: Any, session: Session, open_round: Round, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    officer = OfficerClient(client, open_round.public_id)
    code = _codes(session, open_round)[0]
    token, signature = officer.obtain_token(code)
    section = officer.keys["sections"][0]["id"]
    body = officer.answer_body(token, signature, officer.sealed({section: "意见"}))
    receipt = officer.post("answers", body, environ_base={"REMOTE_ADDR": "10.9.8.7"}).json[
        "receipt"
    ]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (code, "张警官", "10.9.8.7", receipt, body["token"][:40]):
        assert secret not in logged


def test_development_server_logs_no_request_line_for_officer_paths(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    import urllib.error
    import urllib.request

    base = f"http://127.0.0.1:{server.server_port}"
    for path in ("/", "/i", "/a/someround", "/api/v1/rounds/someround/keys"):
        with contextlib.suppress(urllib.error.HTTPError):  # 404s are expected; the log matters
            urllib.request.urlopen(base + path, timeout=5)  # noqa: S310 - our own local server
    server.shutdown()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any('"GET / HTTP' in line for line in lines), lines
    assert not [line for line in lines if "/i" in line or "/a/" in line or "/api/v1" in line]


def test_quiet_filter_keeps_staff_paths() -> None:
    keep = QuietRequestLogFilter()
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '1.2.3.4 - - [x] "GET /secretary/rounds HTTP/1.1" 200 -',
        None,
        None,
    )
    assert keep.filter(record)
    quiet = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        "",
        0,
        '1.2.3.4 - - [x] "POST /api/v1/rounds/x/answers HTTP/1.1" 201 -',
        None,
        None,
    )
    assert not keep.filter(quiet)


@pytest.mark.settings(RATELIMIT_ENABLED=True, ANSWER_RATE_LIMIT="3 per hour")
def test_answer_rate_limit_is_global_never_per_address(
    client: Any, open_round: Round, app: Flask, session: Session
) -> None:
    limits.reset()
    officer = OfficerClient(client, open_round.public_id)
    url = f"/api/v1/rounds/{open_round.public_id}/answers"
    junk = [
        client.post(url, json={}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
        for i in range(5)
    ]
    assert junk == [400] * 5  # junk never counts (tests/web/test_limits.py)
    statuses = []
    for i, invitation in enumerate(open_round.invitations[:4]):
        token, signature = officer.obtain_token(code_of(invitation))
        body = officer.answer_body(token, signature, officer.sealed({"x": str(i)}))
        statuses.append(
            client.post(url, json=body, environ_base={"REMOTE_ADDR": f"10.0.1.{i}"}).status_code
        )
    assert statuses == [201, 201, 201, 429]
    keys = " ".join(limits.process_windows.keys())
    assert keys and "10.0." not in keys


def test_no_url_rule_carries_an_invitation_code(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        assert not {"code", "invitation", "c"} & set(rule.arguments), rule.rule


def test_concurrent_spends_of_one_token_store_one_answer(tmp_path: Path, make_member: Any) -> None:
    with fresh_database(tmp_path, "spend") as url:
        app = committed_app(url, tmp_path)
        _run_concurrent_spend(app)
        with app.app_context():
            db.engine.dispose()


def _run_concurrent_spend(app: Flask) -> None:
    from survey.auth.passwords import hash_password
    from survey.models import Branch

    with app.app_context():
        session = db.session
        branch = Branch(slug="b", name="支部")
        first = User(username="s", password_hash=hash_password("x" * 12), branch=branch)
        first.roles = {"secretary", "committee"}
        second = User(username="c", password_hash=hash_password("x" * 12), branch=branch)
        second.roles = {"committee"}
        members = [Member(name=f"m{i}", branch=branch) for i in range(6)]
        session.add_all([branch, first, second, *members])
        session.flush()
        round_, _ = make_collecting_round(app, session, branch, first, second, members)
        session.commit()
        round_id, code = round_.public_id, code_of(round_.invitations[0])
    officer = OfficerClient(app.test_client(), round_id)
    token, signature = officer.obtain_token(code or "")
    section = officer.keys["sections"][0]["id"]
    bodies = [
        officer.answer_body(token, signature, officer.sealed({section: f"第{i}份"}))
        for i in range(6)
    ]
    results: list[int] = []

    def send(body: dict[str, str]) -> None:
        results.append(
            app.test_client().post(f"/api/v1/rounds/{round_id}/answers", json=body).status_code
        )

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201, 409, 409, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(select(text("count(*)")).select_from(SealedAnswer)) == 1
        assert db.session.scalar(select(text("count(*)")).select_from(SpentToken)) == 1
