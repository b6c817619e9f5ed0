"""kill -9 under load: nothing acknowledged is lost (DESIGN.md §5, issue 9 item 7).

    .venv/bin/python bench/crash.py [--database sqlite|postgres] [--officers 2000] [--clients 50]
        [--runs 3] [--kills 25,50,75]

Each run: a fresh database and a collecting round (through the real services, as
``bench/server.py``), served by real gunicorn (``config/gunicorn.conf.py``, 2 workers). Every
officer is a Python client doing what the phone page does: blind a token message, ``POST
…/tokens`` (retrying the *same* blinded message after a failure, as the page does), finalise and
verify the signature, seal an answer (HPKE), ``POST …/answers``. ``--clients`` officers at a time.

At each kill point (per cent of officers done) the load is hit by a ``SIGKILL``, in turn:
one worker (the master starts another); the master **and** all workers (the whole machine
crashing; gunicorn is started again on the same port); both workers at once. Answers whose
request failed (connection reset, timeout, 5xx) are *unacknowledged*: once the load is over
each is sent again, byte for byte, as a phone retries.

Checked afterwards, straight from the database (a failure of any exits 1):
- every answer acknowledged with 201 is stored exactly once (its sealed bytes among the sealed
  answers once, its receipt among the spent tokens, with the matching hash);
- no token is spent without its answer, and no answer is stored without a spent token;
- every retry of an unacknowledged answer got 201 (so every officer's answer is in);
- no request got a 4xx other than those a retry explains, and the round closes with
  ``answers_at_close`` equal to the number of officers.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import server as bench  # noqa: E402
from fresh_database import fresh_database, seed_round  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from survey import create_app  # noqa: E402
from survey.crypto import blindrsa, seal  # noqa: E402
from survey.extensions import db, make_engine  # noqa: E402
from survey.models import Round  # noqa: E402
from survey.rounds import lifecycle  # noqa: E402
from survey.rounds.clock import utcnow  # noqa: E402

REQUEST_TIMEOUT = 30.0
RETRY_FOR = 180.0  # seconds a client keeps retrying its token request through restarts
ANSWER_TEXT = "建议减少重复填报，把时间留给一线执勤。第二，希望夜班后能保证休息。"
KINDS = ("worker", "all", "workers")


@dataclass
class Officer:
    """One phone: its prepared token request, and what it learnt."""

    code: str
    input_msg: bytes
    inv: int
    token_body: bytes
    answer_body: bytes = b""
    sealed_hash: bytes = b""
    receipt: str = ""
    acknowledged: bool = False


@dataclass
class Tally:
    """What the clients saw, across the whole run."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[str] = field(default_factory=Counter)
    done: int = 0
    unacknowledged: list[Officer] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        with self.lock:
            self.statuses[what] += 1


class Gunicorn:
    """The documented gunicorn on a fixed port, which can be killed and started again."""

    def __init__(self, env: dict[str, str], log: Path, workers: int) -> None:
        self.port = bench.free_port()
        self.env = {**os.environ, **env, "SURVEY_BIND": f"127.0.0.1:{self.port}",
                    "SURVEY_WORKERS": str(workers)}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_path = "/healthz/ready"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(bench.GUNICORN), "-c", str(bench.GUNICORN_CONF), "survey:create_app()"],
                cwd=bench.ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while not bench.get_ok(self.port, self.ready_path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("crash.py: gunicorn did not start:\n"
                                 + self.log.read_text(errors="replace")[-2000:])
            time.sleep(0.2)

    def workers(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def kill(self, kind: str) -> None:
        """SIGKILL one worker, all workers, or the master and its workers (then restart)."""
        assert self.process is not None
        workers = self.workers()
        if kind == "all":
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            for pid in workers:  # the port is free once the old workers are gone
                while Path(f"/proc/{pid}").exists():
                    time.sleep(0.05)
            self.start()
            return
        for pid in workers[:1] if kind == "worker" else workers:
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def post(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    """(status, reply); status 0 when the connection failed or timed out."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers=bench.HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        connection.close()


def obtain_token(officer: Officer, site: bench.Site, port: int, tally: Tally) -> bytes | None:
    """The blind signature, retrying the same blinded message through crashes."""
    give_up = time.monotonic() + RETRY_FOR
    while time.monotonic() < give_up:
        status, reply = post(port, f"/api/v1/rounds/{site.round_id}/tokens", officer.token_body)
        tally.note(f"tokens {status or 'no reply'}")
        if status == 200:
            blind_sig = base64.urlsafe_b64decode(json.loads(reply)["blind_sig"] + "==")
            return blindrsa.finalize(site.public_key, officer.input_msg, blind_sig, officer.inv)
        if 400 <= status < 500:
            with tally.lock:
                tally.refused.append(f"tokens {status} {reply[:120]!r}")
            return None
        time.sleep(0.2)
    return None


def answer(officer: Officer, site: bench.Site, port: int, tally: Tally) -> None:
    """Send the answer once; a failure leaves it unacknowledged for the retry round."""
    status, reply = post(port, f"/api/v1/rounds/{site.round_id}/answers", officer.answer_body)
    tally.note(f"answers {status or 'no reply'}")
    if status == 201:
        officer.receipt = json.loads(reply)["receipt"]
        officer.acknowledged = True
    elif 400 <= status < 500:
        with tally.lock:
            tally.refused.append(f"answers {status} {reply[:120]!r}")
    else:
        with tally.lock:
            tally.unacknowledged.append(officer)


def serve_officer(officer: Officer, site: bench.Site, port: int, tally: Tally) -> None:
    signature = obtain_token(officer, site, port, tally)
    if signature is not None:
        answers = dict.fromkeys(site.section_keys, ANSWER_TEXT)
        sealed = seal.seal_answer(site.seal_public, answers, site.round_id)
        officer.sealed_hash = hashlib.sha256(sealed).digest()
        officer.answer_body = bench.body(token=bench.b64u(officer.input_msg),
                                         signature=bench.b64u(signature), sealed=bench.b64u(sealed))
        answer(officer, site, port, tally)
    with tally.lock:
        tally.done += 1


def prepare(site: bench.Site) -> list[Officer]:
    officers = []
    for code in site.codes:
        input_msg = blindrsa.prepare(blindrsa.build_token_message(site.round_id))
        blinded = blindrsa.blind(site.public_key, input_msg)
        officers.append(Officer(code, input_msg, blinded.inv, bench.body(
            invitation=code, blinded_msg=bench.b64u(blinded.blinded_msg))))
    return officers


def load(officers: list[Officer], site: bench.Site, server: Gunicorn, clients: int,
         kills: list[int], say: Callable[[str], None]) -> Tally:
    """All officers through ``clients`` threads, with a SIGKILL at each kill point."""
    tally = Tally()
    work: queue.Queue[Officer] = queue.Queue()
    for officer in officers:
        work.put(officer)

    def client() -> None:
        while True:
            try:
                officer = work.get_nowait()
            except queue.Empty:
                return
            serve_officer(officer, site, server.port, tally)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for number, point in enumerate(kills):
        while tally.done < len(officers) * point / 100 and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        kind = KINDS[number % len(KINDS)]
        began = time.monotonic()
        server.kill(kind)
        say(f"  kill -9 {kind} at {tally.done}/{len(officers)} done "
            f"({time.monotonic() - began:.1f} s until serving again)")
    for thread in threads:
        thread.join()
    return tally


def retry_unacknowledged(tally: Tally, site: bench.Site, port: int) -> list[str]:
    """Each unacknowledged answer again, byte for byte; what did not end in 201."""
    failures = []
    for officer in tally.unacknowledged:
        status, reply = post(port, f"/api/v1/rounds/{site.round_id}/answers", officer.answer_body)
        tally.note(f"retried answers {status or 'no reply'}")
        if status == 201:
            officer.receipt = json.loads(reply)["receipt"]
            officer.acknowledged = True
        else:
            failures.append(f"{status} {reply[:120]!r}")
    return failures


def verify(database_url: str, instance: Path, secret_key: str, site: bench.Site,
           officers: list[Officer]) -> list[str]:
    """The checks of the docstring, straight from the database; the problems found."""
    problems = []
    engine = make_engine(database_url, {})
    with engine.connect() as connection:
        round_pk = connection.execute(text("SELECT id FROM rounds WHERE public_id = :p"),
                                      {"p": site.round_id}).scalar_one()
        spent = dict(connection.execute(text(
            "SELECT spent_key, sealed_hash FROM spent_tokens WHERE round_id = :r"),
            {"r": round_pk}).all())
        stored = Counter(hashlib.sha256(bytes(s)).digest() for (s,) in connection.execute(text(
            "SELECT sealed FROM sealed_answers WHERE round_id = :r"), {"r": round_pk}))
    engine.dispose()
    spent = {bytes(k): bytes(v) for k, v in spent.items()}
    for officer in officers:
        key = hashlib.sha256(officer.input_msg).digest()
        if not officer.acknowledged:
            problems.append(f"officer {officer.code[:6]}… never acknowledged")
            continue
        if officer.receipt != key.hex():
            problems.append("a receipt is not SHA-256(input_msg)")
        if spent.get(key) != officer.sealed_hash:
            problems.append("an acknowledged answer's token is not spent with its hash")
        if stored[officer.sealed_hash] != 1:
            problems.append(f"an acknowledged answer is stored {stored[officer.sealed_hash]} times")
    if Counter(spent.values()) != stored:
        problems.append("spent tokens and stored answers differ (a token without its answer)")
    problems += close_and_count(database_url, instance, secret_key, site, len(officers))
    return problems


def close_and_count(database_url: str, instance: Path, secret_key: str, site: bench.Site,
                    expected: int) -> list[str]:
    app = create_app({"SECRET_KEY": secret_key, "DATABASE_URL": database_url,
                      "RATELIMIT_ENABLED": False}, instance_path=str(instance))
    with app.app_context():
        round_ = db.session.scalars(select(Round).where(Round.public_id == site.round_id)).one()
        lifecycle.close_round(db.session, round_, None, now=utcnow())
        db.session.commit()
        counted = round_.answers_at_close
    db._bound(app).engine.dispose()
    return [] if counted == expected else [f"answers_at_close {counted}, expected {expected}"]


@dataclass
class RunResult:
    seconds: float
    tally: Tally
    retry_failures: list[str]
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not (self.retry_failures or self.problems or self.tally.refused)


def crash_run(database_url: str, instance: Path, *, officers: int, clients: int,
              kills: list[int], workers: int = 2,
              say: Callable[[str], None] = print) -> RunResult:
    """One run on a fresh, empty database at ``database_url`` (the CI test calls this too)."""
    secret_key = secrets.token_urlsafe(48)
    site = seed_round(database_url, instance, secret_key, officers)
    prepared = prepare(site)
    env = {"SURVEY_SECRET_KEY": secret_key, "SURVEY_DATABASE_URL": database_url,
           "SURVEY_INSTANCE_PATH": str(instance), "SURVEY_PUBLIC_URL": "http://127.0.0.1",
           "SURVEY_TOKEN_RATE_LIMIT": bench.RATE_LIMIT_OFF,
           "SURVEY_ANSWER_RATE_LIMIT": bench.RATE_LIMIT_OFF}
    server = Gunicorn(env, instance / "crash-gunicorn.log", workers)
    server.start()
    try:
        began = time.perf_counter()
        tally = load(prepared, site, server, clients, kills, say)
        seconds = time.perf_counter() - began
        retry_failures = retry_unacknowledged(tally, site, server.port)
    finally:
        server.stop()
    problems = verify(database_url, instance, secret_key, site, prepared)
    return RunResult(seconds, tally, retry_failures, problems)


def describe(result: RunResult) -> str:
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.tally.statuses.items()))
    lines = [f"  load {result.seconds:.1f} s; {statuses}",
             f"  unacknowledged {len(result.tally.unacknowledged)}, retried: "
             f"{len(result.tally.unacknowledged) - len(result.retry_failures)} got 201"]
    for label, items in (("refused", result.tally.refused), ("retry failed", result.retry_failures),
                         ("PROBLEM", result.problems)):
        lines += [f"  {label}: {item}" for item in sorted(set(items))[:10]]
    lines.append("  all checks passed" if result.passed else "  FAILED")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kills", default="25,50,75", help="kill points, per cent of officers")
    args = parser.parse_args(argv)
    kills = [int(k) for k in args.kills.split(",") if k]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; {args.database}; {args.officers} officers, "
          f"{args.clients} clients; kill -9 at {kills} %; {args.runs} runs", flush=True)
    passed = True
    for run in range(1, args.runs + 1):
        with ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crash-")))
            url = stack.enter_context(fresh_database(args.database, tmp, "crash"))
            print(f"run {run}:", flush=True)
            result = crash_run(url, tmp, officers=args.officers, clients=args.clients,
                               kills=kills, say=lambda line: print(line, flush=True))
            print(describe(result), flush=True)
            passed &= result.passed
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
