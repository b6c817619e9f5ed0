"""A collecting round on a committed database, served by real gunicorn, and an HTTP officer.

What a rolled-back test session cannot show (a stalled socket, a killed process) needs the
service as it is deployed: ``config/gunicorn.conf.py`` and ``survey:create_app()``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from survey.config import ROOT
from survey.crypto import blindrsa, seal
from survey.extensions import db
from survey.models import Branch, CommitteePost, Member, Round, User
from survey.rounds import drafts, invitations, opening
from survey.rounds.clock import utcnow
from survey.rounds.wire import b64u_decode, b64u_encode
from tests.committed import TEST_SECRET_KEY, committed_app
from tests.conftest import free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")
START_SECONDS = 90.0
JSON = {"Content-Type": "application/json"}


@dataclass
class LiveRound:
    """A collecting round as its officers know it, plus the opening-code parts."""

    database_url: str
    instance: Path
    round_id: str
    codes: list[str]
    token_spki: bytes
    seal_public: bytes
    sections: list[str]
    parts: tuple[str, str]

    @property
    def api(self) -> str:
        return f"/api/v1/rounds/{self.round_id}"


def seed_round(database_url: str, instance: Path, participants: int) -> LiveRound:
    """Schema, a branch, two custodians, ``participants`` officers, an open round (committed)."""
    app = committed_app(database_url, instance)
    with app.app_context():
        session = db.session
        branch = Branch(slug="ops", name="运维测试派出所党支部")
        secretary = User(username="secretary", display_name="书记", password_hash="!",
                         branch=branch)
        second = User(username="jijian", display_name="纪检委员", password_hash="!",
                      branch=branch)
        secretary.roles, second.roles = {"secretary", "committee"}, {"committee"}
        chief = Member(name="王所长", branch=branch)
        inspector = Member(name="纪委员", branch=branch)
        # Custodians are bound to roster members: two accounts, two known people.
        secretary.member, second.member = chief, inspector
        members = [Member(name=f"民警{i:04d}", branch=branch) for i in range(participants)]
        session.add_all([branch, secretary, second, chief, inspector, *members])
        session.flush()
        session.add(CommitteePost(branch_id=branch.id, post="secretary", member=chief))
        session.add(CommitteePost(branch_id=branch.id, post="discipline", member=inspector))
        settings = drafts.DraftSettings(title="运维测试轮次", custodian2=second, min_answers=3)
        round_ = drafts.create_round(session, branch, secretary, settings, now=utcnow())
        drafts.set_participants(session, round_, members)
        parts = opening.open_round_at_once(session, round_, TEST_SECRET_KEY.encode(), now=utcnow())
        session.commit()
        round_ = session.scalars(select(Round).where(Round.id == round_.id)).one()
        assert round_.token_key_spki is not None and round_.seal_public is not None
        live = LiveRound(
            database_url=database_url,
            instance=instance,
            round_id=round_.public_id,
            codes=[invitations.code_of(round_, i, TEST_SECRET_KEY.encode())
                   for i in round_.invitations],
            token_spki=round_.token_key_spki,
            seal_public=round_.seal_public,
            sections=[s.key for s in round_.sections],
            parts=parts,
        )
    db._bound(app).engine.dispose()
    return live


@dataclass
class Served:
    """A gunicorn master on a loopback port."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def request(self, method: str, path: str, body: Any = None,
                timeout: float = 60.0) -> tuple[int, dict[str, Any]]:
        """One request on a fresh connection; (status, JSON reply or {})."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = None if body is None else json.dumps(body).encode()
            connection.request(method, path, body=data, headers=JSON if data else {})
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        try:
            return response.status, json.loads(raw) if raw else {}
        except ValueError:
            return response.status, {}

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []


@contextlib.contextmanager
def gunicorn(live: LiveRound, *, workers: int = 2, **env: str) -> Iterator[Served]:
    """The documented gunicorn settings, serving ``live``'s database; killed afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "SURVEY_BIND": f"127.0.0.1:{port}",
        "SURVEY_WORKERS": str(workers),
        "SURVEY_DATABASE_URL": live.database_url,
        "SURVEY_SECRET_KEY": TEST_SECRET_KEY,
        "SURVEY_INSTANCE_PATH": str(live.instance),
        "SURVEY_TOKEN_RATE_LIMIT": "1000000 per minute",
        "SURVEY_ANSWER_RATE_LIMIT": "1000000 per minute",
        **env,
    }
    log = live.instance / f"gunicorn-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
             "survey:create_app()"],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(port, process, log)
    try:
        wait_ready(served)
        yield served
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_ready(served: Served) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if served.request("GET", "/healthz/ready", timeout=10)[0] == 200:
                return
        except OSError:
            pass
        if served.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("gunicorn did not start: " + served.log.read_text()[-3000:])
        time.sleep(0.2)


@dataclass
class Ticket:
    """What a phone keeps between getting its token and being told its answer is in."""

    input_msg: bytes
    signature: bytes
    sealed: bytes

    def body(self) -> dict[str, str]:
        return {"token": b64u_encode(self.input_msg), "signature": b64u_encode(self.signature),
                "sealed": b64u_encode(self.sealed)}


def obtain_ticket(served: Served, live: LiveRound, code: str, text: str) -> Ticket:
    """Token over HTTP (blinded as a phone does), then a sealed answer ready to send."""
    public_key = blindrsa.load_public_spki(live.token_spki)
    input_msg = blindrsa.prepare(blindrsa.build_token_message(live.round_id))
    blinded = blindrsa.blind(public_key, input_msg)
    body = {"invitation": code, "blinded_msg": b64u_encode(blinded.blinded_msg)}
    status, reply = served.request("POST", f"{live.api}/tokens", body)
    assert status == 200, (status, reply)
    signature = blindrsa.finalize(public_key, input_msg, b64u_decode(reply["blind_sig"]),
                                  blinded.inv)
    answers = dict.fromkeys(live.sections, text)
    return Ticket(input_msg, signature, seal.seal_answer(live.seal_public, answers, live.round_id))
