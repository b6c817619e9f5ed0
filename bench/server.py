"""Benchmark of the officers' API behind gunicorn against bare Flask endpoints (DESIGN.md §5).

    .venv/bin/python bench/server.py [--seconds 4] [--reps 3] [--database sqlite|postgres]

Budgets, measured on this machine in one run, as throughput ratios:
- token issuance (``POST /api/v1/rounds/<id>/tokens``, a distinct invitation per request) >= 0.5x
  a bare Flask endpoint doing one OpenSSL RSA-2048 PSS signature and one row update;
- answer intake (``POST /api/v1/rounds/<id>/answers``, a distinct valid token and a 4,177-byte
  sealed answer per request) >= 0.5x a bare Flask endpoint inserting one row.

Setup (not timed): a temporary SQLite database (WAL) or, with ``--database postgres``, fresh
databases ``survey_bench_<run>`` and ``survey_bench_baseline_<run>`` (named for the run) on
``postgres@127.0.0.1:5432`` (created and dropped here); a branch, two custodians and one member
per invitation; a collecting round opened through the real services with a fresh random secret
key. Every request body is built beforehand: blinded token messages for issuance
(``survey.crypto.blindrsa``, as a client does); for intake, the blind signatures that the
issuance runs returned (topped up through the real API when more are needed) are finalised and
verified, and each answer is sealed to the round's key.
No client-side cryptography runs inside a timed part.

Both apps are served by gunicorn with ``config/gunicorn.conf.py`` (its worker class and threads)
on free 127.0.0.1 ports with the same worker count and the service's own database settings (the
bare app takes its engine from ``survey.extensions.make_engine``, tables in a database of its
own: ``bench/baseline_app.py``). The service runs with a real random ``SURVEY_SECRET_KEY`` and
its global officer-API rate limits set to 1,000,000 per minute (effectively off).

The client is a few threads of ``http.client`` on 127.0.0.1 (gunicorn's sync workers close the
connection after each response, so each request connects anew, for both apps alike). Each
phase has a warm-up, then ``--reps`` timed repetitions per app, interleaved (ours, bare; then
bare, ours; …) so drift touches both. A repetition ends after ``--seconds`` or when its share of
prepared bodies is used up. Reported: requests/s (median of the repetitions), p50 and p95
latency (from sending a request to reading its reply, queueing at gunicorn included), failed
requests (non-2xx or connection errors; any one fails the benchmark), and the ratio of the
medians against 0.5 (the median of the per-repetition ratios is shown too). Also reported: the
CPU time of each app's gunicorn processes per request (from /proc; the database server's own
CPU is not in it). On a machine that other work keeps busy the throughput ratio drifts towards
this CPU ratio, so it helps to read a noisy run. Exits 1 when a request fails or a budget is
missed. Takes about two minutes with the defaults.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import baseline_app  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from survey import create_app, migrations  # noqa: E402
from survey.crypto import blindrsa, seal  # noqa: E402
from survey.extensions import db  # noqa: E402
from survey.models import Branch, CommitteePost, Member, Round, User  # noqa: E402
from survey.rounds import drafts, opening  # noqa: E402
from survey.rounds.clock import utcnow  # noqa: E402
from survey.rounds.invitations import code_of  # noqa: E402

BUDGET = 0.5
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Named for this run, so that runs by several people on one PostgreSQL server never meet.
_RUN = secrets.token_hex(4)
POSTGRES_DATABASES = (f"survey_bench_{_RUN}", f"survey_bench_baseline_{_RUN}")
RATE_LIMIT_OFF = "1000000 per minute"
GUNICORN = Path(sys.executable).with_name("gunicorn")
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
WARMUP_SECONDS = 1.0
SERVER_START_SECONDS = 60.0
# Prepared invitations: 60% for the issuance runs (a repetition that uses up its share ends
# early, its rate still valid), the rest to obtain up to INTAKE_TOKENS tokens in all for intake.
DEFAULT_INVITATIONS = 8000
ISSUANCE_SHARE = 0.6
INTAKE_TOKENS = 4000
TOPUP_SECONDS = 30.0  # most time spent obtaining those extra tokens
REQUEST_TIMEOUT = 30.0
ANSWER_TEXT = "希望支部在安排学习时更多结合一线执勤实际，减少重复性的材料报送，给基层留出更多时间。"


# --- the client -------------------------------------------------------------------------------


@dataclass
class Run:
    """What one run of the client saw."""

    label: str
    ok: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    first_failure: str = ""
    replies: dict[int, bytes] = field(default_factory=dict)
    server_cpu: float = 0.0  # CPU seconds the server's processes spent during the run

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def cpu_ms(self) -> float:
        """Server CPU per successful request: unlike req/s, barely moved by other load."""
        return self.server_cpu / self.ok * 1000 if self.ok else float("nan")


def drive(
    server: Server,
    path: str,
    bodies: list[bytes],
    *,
    label: str,
    seconds: float,
    threads: int,
    start: int = 0,
    limit: int | None = None,
    cycle: bool = False,
    keep_replies: bool = False,
) -> Run:
    """POST ``bodies[start:]`` to ``path`` from ``threads`` threads until ``seconds`` pass or
    ``limit`` requests were sent (``cycle`` wraps around the bodies instead of stopping)."""
    total = limit if limit is not None else (len(bodies) - start)
    if not cycle:
        total = min(total, len(bodies) - start)
    run = Run(label)
    lock = threading.Lock()
    cursor = [0]

    def take() -> int | None:
        with lock:
            if cursor[0] >= total:
                return None
            index = cursor[0]
            cursor[0] += 1
        return (start + index) % len(bodies) if cycle else start + index

    def worker(deadline: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT)
        latencies: list[float] = []
        try:
            while time.perf_counter() < deadline:
                index = take()
                if index is None:
                    break
                sent = time.perf_counter()
                try:
                    connection.request("POST", path, body=bodies[index], headers=HEADERS)
                    response = connection.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    with lock:
                        run.failures[type(error).__name__] += 1
                        run.first_failure = run.first_failure or repr(error)
                    continue
                latencies.append(time.perf_counter() - sent)
                with lock:
                    if 200 <= response.status < 300:
                        run.ok += 1
                        if keep_replies:
                            run.replies[index] = data
                    else:
                        run.failures[str(response.status)] += 1
                        run.first_failure = run.first_failure or data[:300].decode(errors="replace")
        finally:
            connection.close()
            with lock:
                run.latencies.extend(latencies)

    cpu_before = server.cpu_seconds()
    began = time.perf_counter()
    deadline = began + seconds
    pool = [threading.Thread(target=worker, args=(deadline,)) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + REQUEST_TIMEOUT + 5)
    run.elapsed = time.perf_counter() - began
    run.server_cpu = server.cpu_seconds() - cpu_before
    if any(thread.is_alive() for thread in pool):
        run.failures["client thread stuck"] += 1
    return run


def get_ok(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


# --- servers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A gunicorn master on a loopback port."""

    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """User and system CPU time of the master and its workers so far (Linux /proc)."""
        pids = [self.pid]
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
            pids += [int(p) for p in children.split()]
        except OSError:
            return float("nan")
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(
    name: str, app: str, env: dict[str, str], log: Path, ready_path: str, *, workers: int,
    extra: tuple[str, ...] = (),
) -> Iterator[Server]:
    """Run gunicorn with the project's config on a free loopback port; stop it afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        **env,
        "SURVEY_BIND": f"127.0.0.1:{port}",
        "SURVEY_WORKERS": str(workers),
    }
    command = [str(GUNICORN), "-c", str(GUNICORN_CONF), *extra, app]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not get_ok(port, ready_path):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"server.py: {name} did not start:\n{tail}")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


# --- databases and data -----------------------------------------------------------------------


@contextmanager
def databases(kind: str, tmp: Path) -> Iterator[tuple[str, str]]:
    """(service database URL, baseline database URL), both new and empty, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'survey.db'}", f"sqlite:///{tmp / 'baseline.db'}"
        return
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            for name in POSTGRES_DATABASES:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        drop()
        with admin.connect() as connection:
            for name in POSTGRES_DATABASES:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield tuple(f"{POSTGRES_SERVER}/{name}" for name in POSTGRES_DATABASES)  # type: ignore[misc]
    finally:
        drop()
        admin.dispose()


@dataclass
class Site:
    """The collecting round as a client knows it, and the secrets the client kept."""

    round_id: str
    codes: list[str]
    public_key: rsa.RSAPublicKey
    seal_public: bytes
    section_keys: list[str]


def seed_round(database_url: str, instance: Path, secret_key: str, invitations: int) -> Site:
    """Schema, a branch, custodians, members and an open round, through the real services."""
    app = create_app(
        {
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database_url,
            "OPENING_ARGON2_MEMORY_KIB": 8,  # only the sealing key's wrapping; nothing timed
            "OPENING_ARGON2_TIME_COST": 1,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(instance),
    )
    with app.app_context():
        migrations.upgrade(db.engine)
        session = db.session
        branch = Branch(slug="bench", name="基准派出所党支部")
        users = [
            User(username=n, display_name=d, password_hash="!", branch=branch)  # noqa: S106
            for n, d in (("secretary", "书记"), ("jijian", "纪检委员"))
        ]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        for user in users:  # custodians are bound to roster members (survey/auth/custody.py)
            user.member = Member(name=f"{user.display_name}本人", branch=branch, active=False)
        chief = Member(name="王明", branch=branch)
        members = [Member(name=f"民警{i}", branch=branch) for i in range(invitations)]
        session.add_all([branch, *users, chief, *members])
        session.flush()
        session.add(CommitteePost(branch_id=branch.id, post="secretary", member=chief))
        session.flush()
        settings = drafts.DraftSettings(title="基准测试轮次", custodian2=users[1])
        round_ = drafts.create_round(session, branch, users[0], settings, now=utcnow())
        drafts.set_participants(session, round_, members)
        opening.open_round_at_once(session, round_, secret_key.encode(), now=utcnow())
        session.commit()
        round_ = session.scalars(select(Round).where(Round.id == round_.id)).one()
        assert round_.state == "collecting" and round_.token_key_spki and round_.seal_public
        site = Site(
            round_id=round_.public_id,
            # The slips the officers received (decrypted directly: not a showing to staff).
            codes=[code_of(round_, i, secret_key.encode()) for i in round_.invitations],
            public_key=blindrsa.load_public_spki(round_.token_key_spki),
            seal_public=round_.seal_public,
            section_keys=[s.key for s in round_.sections],
        )
    db._bound(app).engine.dispose()
    return site


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def body(**fields: str) -> bytes:
    return json.dumps(fields).encode("utf-8")


@dataclass
class IssuanceBodies:
    """One request per invitation, and what the client keeps to finalise each reply."""

    ours: list[bytes]
    bare: list[bytes]
    kept: list[tuple[bytes, int]]  # (input_msg, inv) per body of ``ours``


def issuance_bodies(site: Site) -> IssuanceBodies:
    ours, bare, kept = [], [], []
    for number, code in enumerate(site.codes):
        input_msg = blindrsa.prepare(blindrsa.build_token_message(site.round_id))
        blinded = blindrsa.blind(site.public_key, input_msg)
        blinded_msg = b64u(blinded.blinded_msg)
        ours.append(body(invitation=code, blinded_msg=blinded_msg))
        bare.append(body(invitation=baseline_app.invitation_code(number), blinded_msg=blinded_msg))
        kept.append((input_msg, blinded.inv))
    return IssuanceBodies(ours, bare, kept)


def answer_bodies(site: Site, issued: IssuanceBodies, replies: dict[int, bytes]) -> list[bytes]:
    """Finalise each blind signature (verified) and seal one answer per token."""
    bodies = []
    answers = dict.fromkeys(site.section_keys, ANSWER_TEXT)
    for index in sorted(replies):
        input_msg, inv = issued.kept[index]
        blind_sig = base64.urlsafe_b64decode(json.loads(replies[index])["blind_sig"] + "==")
        signature = blindrsa.finalize(site.public_key, input_msg, blind_sig, inv)
        sealed = seal.seal_answer(site.seal_public, answers, site.round_id)
        if len(sealed) != 4177:
            raise SystemExit(f"server.py: a sealed answer is {len(sealed)} bytes, not 4,177")
        bodies.append(body(token=b64u(input_msg), signature=b64u(signature), sealed=b64u(sealed)))
    return bodies


# --- phases -----------------------------------------------------------------------------------


@dataclass
class Phase:
    """Timed repetitions of one endpoint against its bare counterpart."""

    name: str
    ours: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    warmup: list[Run] = field(default_factory=list)

    def ratio(self) -> float:
        bare = statistics.median(r.rate for r in self.bare)
        return statistics.median(r.rate for r in self.ours) / bare if bare else 0.0

    def paired_ratio(self) -> float:
        return statistics.median(
            o.rate / b.rate if b.rate else 0.0 for o, b in zip(self.ours, self.bare, strict=True)
        )

    def cpu_ratio(self) -> float:
        return statistics.median(r.cpu_ms for r in self.bare) / statistics.median(
            r.cpu_ms for r in self.ours
        )

    def failures(self) -> int:
        return sum(r.failed for r in self.ours + self.bare + self.warmup)


def run_phase(
    phase: Phase,
    ours: tuple[Server, str, list[bytes]],
    bare: tuple[Server, str, list[bytes]],
    *,
    reps: int,
    seconds: float,
    threads: int,
    pool: int,
    keep_replies: bool,
) -> int:
    """Warm-up, then ``reps`` interleaved repetitions. Our requests each use up a body: the
    first ``pool`` bodies are shared out (the warm-up takes at most one share, each repetition
    an equal part of the rest). The bare app's bodies are reused. Returns our bodies used."""
    used = 0

    def ours_run(label: str, limit_seconds: float, limit: int) -> Run:
        nonlocal used
        server, path, bodies = ours
        run = drive(server, path, bodies, label=label, seconds=limit_seconds, threads=threads,
                    start=used, limit=limit, keep_replies=keep_replies)
        used += run.ok + run.failed
        return run

    def bare_run(label: str, limit_seconds: float) -> Run:
        server, path, bodies = bare
        return drive(server, path, bodies, label=label, seconds=limit_seconds, threads=threads,
                     start=secrets.randbelow(len(bodies)), limit=10**7, cycle=True)

    phase.warmup.append(ours_run("warm-up ours", WARMUP_SECONDS, pool // (reps + 1)))
    phase.warmup.append(bare_run("warm-up bare", WARMUP_SECONDS))
    share = (pool - used) // reps
    for rep in range(reps):
        order = ("ours", "bare") if rep % 2 == 0 else ("bare", "ours")
        for side in order:
            label = f"{side} #{rep + 1}"
            run = ours_run(label, seconds, share) if side == "ours" else bare_run(label, seconds)
            (phase.ours if side == "ours" else phase.bare).append(run)
            print(f"  {phase.name:<9} {run.label:<8} {run.ok:6d} ok in {run.elapsed:5.2f} s"
                  f"  {run.rate:8.1f} /s  {run.cpu_ms:6.2f} server CPU ms/req  "
                  f"{run.failed} failed", flush=True)
            if run.failed:
                print(f"    first failure: {run.first_failure[:200]}", flush=True)
    return used


def percentile_ms(runs: list[Run], q: int) -> float:
    latencies = [x for r in runs for x in r.latencies]
    if len(latencies) < 2:
        return float("nan")
    return statistics.quantiles(latencies, n=100)[q - 1] * 1000


def report(phases: list[Phase]) -> bool:
    print()
    print(f"{'':<20}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'failed':>9}{'CPU ms/req':>12}")
    passed = True
    for phase in phases:
        for side, runs in (("ours", phase.ours), ("bare", phase.bare)):
            rate = statistics.median(r.rate for r in runs)
            failed = sum(r.failed for r in runs)
            cpu = statistics.median(r.cpu_ms for r in runs)
            print(f"{phase.name + ': ' + side:<20}{rate:9.1f}{percentile_ms(runs, 50):9.1f}"
                  f"{percentile_ms(runs, 95):9.1f}{failed:9d}{cpu:12.2f}")
    print()
    for phase in phases:
        ratio = phase.ratio()
        verdict = "ok" if ratio >= BUDGET else "MISSED"
        print(f"{phase.name} throughput ratio ours/bare {ratio:5.2f} (median of the "
              f"per-repetition ratios {phase.paired_ratio():4.2f}), budget >= {BUDGET}: {verdict}")
        print(f"  server CPU per request, bare/ours {phase.cpu_ratio():5.2f} (what the ratio tends "
              f"to when other load takes the cores)")
        passed &= ratio >= BUDGET
        failures = phase.failures()
        if failures:
            passed = False
            runs = phase.warmup + phase.ours + phase.bare
            first = next(r for r in runs if r.failed)
            print(f"  FAILED: {failures} request(s) failed, e.g. {first.label}: "
                  f"{dict(first.failures)} {first.first_failure}")
    return passed


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="time per timed repetition")
    parser.add_argument("--reps", type=int, default=3, help="timed repetitions per app (>= 3)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both apps")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--invitations", type=int, default=DEFAULT_INVITATIONS,
                        help=f"invitations prepared (default {DEFAULT_INVITATIONS})")
    args = parser.parse_args(argv)
    if not (3 <= args.reps <= 20 and 0 < args.seconds <= 60 and 1 <= args.workers <= 8
            and 1 <= args.threads <= 32 and 100 <= args.invitations <= 100_000):
        parser.error("bounds: 3 <= --reps <= 20, 0 < --seconds <= 60, 1 <= --workers <= 8, "
                     "1 <= --threads <= 32, 100 <= --invitations <= 100000")
    invitations = args.invitations
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False).stdout.strip()
    print(f"commit {head or '?'}; Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average "
          f"{os.getloadavg()[0]:.2f}; {args.database}; gunicorn x {args.workers} workers; "
          f"{args.threads} client threads; {args.reps} x {args.seconds} s")

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="server-bench-")))
        survey_url, bare_url = stack.enter_context(databases(args.database, tmp))
        began = time.perf_counter()
        secret_key = secrets.token_urlsafe(48)
        site = seed_round(survey_url, tmp, secret_key, invitations)
        baseline_app.create_schema(bare_url, invitations)
        key_file = tmp / "baseline-key.pem"
        key_file.write_bytes(blindrsa.generate_token_key().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        issued = issuance_bodies(site)
        print(f"setup: {invitations} invitations, request bodies ready in "
              f"{time.perf_counter() - began:.1f} s", flush=True)

        survey_env = {
            "SURVEY_SECRET_KEY": secret_key,
            "SURVEY_DATABASE_URL": survey_url,
            "SURVEY_INSTANCE_PATH": str(tmp),
            "SURVEY_TOKEN_RATE_LIMIT": RATE_LIMIT_OFF,
            "SURVEY_ANSWER_RATE_LIMIT": RATE_LIMIT_OFF,
            "SURVEY_PUBLIC_URL": "http://127.0.0.1",
        }
        bare_env = {"BENCH_BASELINE_DATABASE_URL": bare_url, "BENCH_BASELINE_KEY": str(key_file)}
        ours_server = stack.enter_context(gunicorn(
            "the service", "survey:create_app()", survey_env, tmp / "survey.log",
            f"/api/v1/rounds/{site.round_id}/keys", workers=args.workers))
        bare_server = stack.enter_context(gunicorn(
            "the bare app", "baseline_app:create_app()", bare_env, tmp / "baseline.log",
            "/api/v1/baseline/health", workers=args.workers, extra=("--pythonpath", str(BENCH))))
        api = f"/api/v1/rounds/{site.round_id}"

        tokens = Phase("issuance")
        used = run_phase(
            tokens, (ours_server, f"{api}/tokens", issued.ours),
            (bare_server, "/api/v1/baseline/tokens", issued.bare),
            reps=args.reps, seconds=args.seconds, threads=args.threads,
            pool=int(invitations * ISSUANCE_SHARE), keep_replies=True,
        )
        replies: dict[int, bytes] = {}
        for run in tokens.warmup + tokens.ours:
            replies.update(run.replies)
        # Intake outruns issuance: obtain more tokens through the API first (not timed).
        wanted = min(len(issued.ours) - used, INTAKE_TOKENS - len(replies))
        if wanted > 0:
            topup = drive(ours_server, f"{api}/tokens", issued.ours, label="top-up",
                          seconds=TOPUP_SECONDS, threads=args.threads, start=used, limit=wanted,
                          keep_replies=True)
            replies.update(topup.replies)
            tokens.warmup.append(topup)
        if not replies:
            raise SystemExit("server.py: no token was issued, so intake cannot be measured")
        began = time.perf_counter()
        answers = answer_bodies(site, issued, replies)
        print(f"intake: {len(answers)} tokens finalised (verified) and answers sealed in "
              f"{time.perf_counter() - began:.1f} s", flush=True)

        intake = Phase("intake")
        run_phase(
            intake, (ours_server, f"{api}/answers", answers),
            (bare_server, "/api/v1/baseline/answers", answers),
            reps=args.reps, seconds=args.seconds, threads=args.threads, pool=len(answers),
            keep_replies=False,
        )
        passed = report([tokens, intake])
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
