"""Races on a real threaded server and a real database (issue 9 items 1, 2 and 8).

- 50 simultaneous submissions with one token store exactly one answer;
- 50 blinded messages for one invitation get exactly one signature;
- closing and unsealing during a load: every acknowledged (201) answer is counted at close and
  read at unseal, slow uploads included; nothing is accepted after the close.
- a stalled upload holds no lock: others are served meanwhile (SQLite's write lock included),
  and readers never wait for a writer.

Run on SQLite by default and on PostgreSQL with SURVEY_TEST_DATABASE_URL. No wall-clock asserts.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from survey.crypto import blindrsa
from survey.extensions import db
from survey.models import OpinionItem, Round, RoundEvent, SealedAnswer
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode, b64u_encode
from tests.committed import committed_app, fresh_database
from tests.live_support import TIMEOUT, LiveRound, all_at_once, live_round, post_json, serve

SIMULTANEOUS = 50


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """One app on a committed database of its own, served by a threaded werkzeug server."""
    tmp = tmp_path_factory.mktemp("races")
    with fresh_database(tmp, "races") as url:
        app = committed_app(url, tmp)
        try:
            with serve(app) as base:
                yield app, base
        finally:
            with app.app_context():
                db.engine.dispose()


def count(app: Flask, model: Any, **where: Any) -> int:
    with app.app_context():
        statement = select(func.count()).select_from(model).filter_by(**where)
        return int(db.session.scalar(statement) or 0)


def round_row(app: Flask, round_id: str) -> Round:
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None
        return round_


def test_fifty_submissions_of_one_token_store_one_answer(server: tuple[Flask, str]) -> None:
    app, base = server
    live = live_round(app, base, participants=6, name="onetoken")
    token, signature = live.token(live.codes[0])
    sealed = [live.sealed(f"第{i}个版本") for i in range(SIMULTANEOUS)]
    results = all_at_once([lambda s=s: live.answer(token, signature, s) for s in sealed])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (SIMULTANEOUS - 1), results
    assert {reply["error"] for status, reply in results if status == 409} == {"token_spent"}
    assert count(app, SealedAnswer, round_id=round_row(app, live.round_id).id) == 1


def test_fifty_blinded_messages_on_one_invitation_get_one_signature(
    server: tuple[Flask, str],
) -> None:
    app, base = server
    live = live_round(app, base, participants=6, name="oneinvite")
    blinded = [live.blinded() for _ in range(SIMULTANEOUS)]
    code = live.codes[0]

    def ask(message: bytes) -> tuple[int, dict[str, Any]]:
        return post_json(
            live.url("tokens"), {"invitation": code, "blinded_msg": b64u_encode(message)}
        )

    results = all_at_once([lambda b=b: ask(b[1].blinded_msg) for b in blinded])
    winners = [i for i, (status, _) in enumerate(results) if status == 200]
    assert len(winners) == 1, results
    assert {reply["error"] for status, reply in results if status != 200} == {"invitation_used"}
    # The one signature is valid for the winning message, and a retry of it gets it again.
    (input_msg, blinding), reply = blinded[winners[0]], results[winners[0]][1]
    signature = blindrsa.finalize(
        live.public_key(), input_msg, b64u_decode(reply["blind_sig"]), blinding.inv
    )
    assert live.answer(input_msg, signature, live.sealed("唯一"))[0] == 201
    assert ask(blinding.blinded_msg) == (200, reply)


class SlowUpload:
    """An answer whose body arrives in two parts, the second only when told."""

    def __init__(self, live: LiveRound, body: dict[str, str]) -> None:
        url = urlsplit(live.url("answers"))
        data = json.dumps(body).encode()
        self.half, self.rest = data[: len(data) // 2], data[len(data) // 2 :]
        self.sock = socket.create_connection((url.hostname, url.port), timeout=TIMEOUT)
        head = (
            f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n"
        )
        self.sock.sendall(head.encode() + self.half)

    def finish(self) -> tuple[int, dict[str, Any]]:
        self.sock.sendall(self.rest)
        reply = b""
        while chunk := self.sock.recv(65536):
            reply += chunk
        self.sock.close()
        head, _, payload = reply.partition(b"\r\n\r\n")
        return int(head.split()[1]), json.loads(payload or b"{}")


def test_close_and_unseal_during_a_load_count_and_read_every_acknowledged_answer(
    server: tuple[Flask, str],
) -> None:
    app, base = server
    live = live_round(app, base, participants=SIMULTANEOUS + 10, name="underload")
    texts = [f"意见{i}号值班安排" for i in range(SIMULTANEOUS + 10)]
    bodies = []
    for code, text in zip(live.codes, texts, strict=True):
        token, signature = live.token(code)
        sealed = b64u_encode(live.sealed(text))
        bodies.append(
            {"token": b64u_encode(token), "signature": b64u_encode(signature), "sealed": sealed}
        )
    slow = [SlowUpload(live, body) for body in bodies[SIMULTANEOUS:]]
    acknowledged: list[str] = []
    some_arrived = threading.Event()

    def send(i: int) -> tuple[int, dict[str, Any]]:
        result = post_json(live.url("answers"), bodies[i])
        if result[0] == 201:
            acknowledged.append(texts[i])
            if len(acknowledged) >= 10:
                some_arrived.set()
        return result

    def close_then_unseal() -> str:
        assert some_arrived.wait(TIMEOUT)
        with app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.public_id == live.round_id))
            assert round_ is not None
            lifecycle.close_round(db.session, round_, None, now=utcnow())
            db.session.commit()
            unseal_round(db.session, round_, *live.parts, now=utcnow(), actor=None)
            db.session.commit()
        return "done"

    def slow_one(upload: SlowUpload) -> tuple[int, dict[str, Any]]:
        assert some_arrived.wait(TIMEOUT)
        return upload.finish()

    calls = [lambda i=i: send(i) for i in range(SIMULTANEOUS)]
    calls += [lambda u=u: slow_one(u) for u in slow] + [close_then_unseal]
    results = all_at_once(calls)
    assert results[-1] == "done", results[-1]
    for i, (status, _) in enumerate(results[SIMULTANEOUS:-1]):
        if status == 201:
            acknowledged.append(texts[SIMULTANEOUS + i])
    assert {status for status, _ in results[:-1]} <= {201, 410}, results

    round_ = round_row(app, live.round_id)
    assert round_.answers_at_close == len(acknowledged)
    with app.app_context():
        items = db.session.scalars(
            select(OpinionItem.text).where(OpinionItem.round_id == round_.id)
        )
        assert sorted(items) == sorted(acknowledged)
    assert count(app, SealedAnswer, round_id=round_.id) == 0
    # Every refused answer was refused because the round had closed: nothing else went wrong.
    refused = {reply.get("error") for status, reply in results[:-1] if status != 201}
    assert refused <= {"round_not_collecting"}


def test_a_stalled_upload_holds_no_lock(server: tuple[Flask, str]) -> None:
    app, base = server
    live = live_round(app, base, participants=6, name="stalled")
    token, signature = live.token(live.codes[0])
    body = {
        "token": b64u_encode(token),
        "signature": b64u_encode(signature),
        "sealed": b64u_encode(live.sealed("慢")),
    }
    stalled = SlowUpload(live, body)
    # While half of that body hangs, others get tokens, answer, and read the keys.
    other_token, other_signature = live.token(live.codes[1])
    assert live.answer(other_token, other_signature, live.sealed("快"))[0] == 201
    status, _ = post_json(live.url("invitation-status"), {"invitation": live.codes[2]})
    assert status == 200
    assert stalled.finish()[0] == 201


def test_readers_do_not_wait_for_a_writer(server: tuple[Flask, str], tmp_path: Path) -> None:
    """A writer holds the database (SQLite: its write lock); keys and status still answer."""
    app, base = server
    live = live_round(app, base, participants=6, name="readers")
    with app.app_context():
        connection = db.engine.connect()
        writer = connection.begin()  # BEGIN IMMEDIATE on SQLite
        connection.execute(
            Round.__table__.update().where(Round.public_id == live.round_id).values(title="改")
        )
        try:
            status, reply = post_json(live.url("invitation-status"), {"invitation": live.codes[0]})
            assert status == 200 and reply["used"] is False
            keys_status = post_json_get(live.url("keys"))
            assert keys_status == 200
        finally:
            writer.rollback()
            connection.close()


def post_json_get(url: str) -> int:
    import urllib.request

    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - local server
        return int(response.status)


def test_a_passed_deadline_closes_the_round_exactly_once(server: tuple[Flask, str]) -> None:
    """Many requests notice the passed deadline at the same moment; one close is logged."""
    app, base = server
    live = live_round(app, base, participants=8, name="deadline")
    tokens = [live.token(code) for code in live.codes[:4]]
    with app.app_context():
        db.session.execute(
            update(Round)
            .where(Round.public_id == live.round_id)
            .values(deadline=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    calls: list[Any] = [lambda: post_json_get(live.url("keys"))] * 10
    calls += [
        lambda c=c: post_json(live.url("invitation-status"), {"invitation": c}) for c in live.codes
    ]
    calls += [lambda t=t: live.answer(t[0], t[1], live.sealed("迟到")) for t in tokens]
    results = all_at_once(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r[0] for r in results[-4:]} == {410}
    round_ = round_row(app, live.round_id)
    assert round_.state == "closed" and round_.answers_at_close == 0
    assert count(app, RoundEvent, round_id=round_.id, kind="closed") == 1
