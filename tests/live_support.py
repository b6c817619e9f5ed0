"""A real server on a committed database, and officers that speak to it over HTTP from threads.

Concurrency is only shown by real concurrency: a threaded werkzeug server on a free port, real
sockets, real SQLite or PostgreSQL (tests/committed.py). Timeouts are generous: the machine may
be loaded, and no test asserts on wall-clock time.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from survey.auth.passwords import hash_password
from survey.crypto import blindrsa, seal
from survey.extensions import db
from survey.models import Branch, Member, User
from survey.rounds.wire import b64u_decode, b64u_encode
from tests.conftest import free_port
from tests.rounds_support import code_of, make_collecting_round

TIMEOUT = 120.0


@contextlib.contextmanager
def serve(app: Flask) -> Iterator[str]:
    """The app behind a threaded werkzeug server on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=TIMEOUT)


def post_json(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    """(status, JSON reply) of a POST; HTTP errors are replies too."""
    request = urllib.request.Request(  # noqa: S310 - our own local test server
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310
        return dict(json.loads(response.read()))


def all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, released together; their results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait(timeout=TIMEOUT)
        try:
            results[i] = calls[i]()
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    return results


@dataclass
class LiveRound:
    """A collecting round on a live server: what the officers hold."""

    base: str
    round_id: str
    codes: list[str]
    parts: tuple[str, str]
    keys: dict[str, Any]

    def url(self, endpoint: str) -> str:
        return f"{self.base}/api/v1/rounds/{self.round_id}/{endpoint}"

    def public_key(self) -> Any:
        return blindrsa.load_public_spki(b64u_decode(self.keys["token_key"]["spki"]))

    def blinded(self) -> tuple[bytes, Any]:
        """A fresh token message and its blinding: (input_msg, blinded)."""
        input_msg = blindrsa.prepare(blindrsa.build_token_message(self.round_id))
        return input_msg, blindrsa.blind(self.public_key(), input_msg)

    def token(self, code: str) -> tuple[bytes, bytes]:
        """(input_msg, signature) for an invitation code, over HTTP."""
        input_msg, blinded = self.blinded()
        status, reply = post_json(
            self.url("tokens"),
            {"invitation": code, "blinded_msg": b64u_encode(blinded.blinded_msg)},
        )
        assert status == 200, reply
        signature = blindrsa.finalize(
            self.public_key(), input_msg, b64u_decode(reply["blind_sig"]), blinded.inv
        )
        return input_msg, signature

    def sealed(self, text: str) -> bytes:
        public = b64u_decode(self.keys["seal_key"]["public"])
        return seal.seal_answer(public, {self.keys["sections"][0]["id"]: text}, self.round_id)

    def answer(self, token: bytes, signature: bytes, sealed: bytes) -> tuple[int, dict[str, Any]]:
        body = {
            "token": b64u_encode(token),
            "signature": b64u_encode(signature),
            "sealed": b64u_encode(sealed),
        }
        return post_json(self.url("answers"), body)


def live_round(app: Flask, base: str, participants: int, name: str = "live") -> LiveRound:
    """A collecting round with ``participants`` officers, committed, served at ``base``; each
    round of one database needs its own ``name``."""
    with app.app_context():
        session = db.session
        branch = Branch(slug=name, name=f"{name}派出所党支部")
        first = User(username=f"{name}-sec", password_hash=hash_password("x" * 12), branch=branch)
        first.roles = {"secretary", "committee"}
        second = User(username=f"{name}-jw", password_hash=hash_password("x" * 12), branch=branch)
        second.roles = {"committee"}
        members = [Member(name=f"民警{i:03d}", branch=branch) for i in range(participants)]
        session.add_all([branch, first, second, *members])
        session.flush()
        round_, parts = make_collecting_round(app, session, branch, first, second, members)
        codes = [code_of(i) for i in round_.invitations]
        session.commit()
        round_id = round_.public_id
    keys = get_json(f"{base}/api/v1/rounds/{round_id}/keys")
    return LiveRound(base, round_id, codes, parts, keys)
