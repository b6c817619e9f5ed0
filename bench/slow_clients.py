"""Slow and stalled request bodies against real gunicorn: do normal requests still get through?

    .venv/bin/python bench/slow_clients.py [--database sqlite|postgres] [--stalled 8] [--slow 4]
        [--seconds 25] [--configs shipped,gthread-no-deadline,sync]

Each configuration gets a fresh gunicorn (``config/gunicorn.conf.py``, 2 workers) on the same
database and round (a collecting round opened through the real services, as ``bench/server.py``):
- ``shipped``: the documented settings (threaded workers, 16 threads, each body read whole
  within ``SURVEY_BODY_TIMEOUT`` = 20 s before the app sees it, survey.slow_clients);
- ``gthread-no-deadline``: the same threads, but the app reads its bodies itself (no deadline);
- ``sync``: sync workers, one thread, no deadline (the settings before issue 9).

Per configuration, two phases of ``--seconds`` each, in one run: a **baseline** with only the
probe clients, then an **attack** where ``--stalled`` connections send their headers and the
first 1,000 bytes of a 6 KB body and then nothing, and ``--slow`` honest phones send a real,
valid answer at 400 bytes/s (about 15 s each). The probes are two client threads, each sending
one request every 0.1 s, alternating ``GET …/keys`` (a read) and ``POST …/tokens`` with an
unused invitation (a write: an invitation marked used, an RSA signature), with a 10 s timeout.

Reported per configuration and phase: probe latency median, p95 and max, probes failed (error
status, timeout or connection error), and the ratio of the attack median to the baseline
median; for the slow phones how many got their 201; for the stalled bodies what they got back.
Exits 1 when a probe fails under the shipped settings or an honest slow phone is refused there.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import server as bench  # noqa: E402
from fresh_database import fresh_database, seed_round  # noqa: E402

PROBE_INTERVAL = 0.1
PROBE_TIMEOUT = 10.0
SLOW_RATE = 400  # bytes per second: a phone on a very poor link
STALL_AFTER = 1000  # bytes of body a stalled phone sends before going silent
CONFIGS = {
    "shipped": {},
    "gthread-no-deadline": {"SURVEY_BODY_TIMEOUT": "0"},
    "sync": {"SURVEY_BODY_TIMEOUT": "0", "SURVEY_WORKER_CLASS": "sync", "SURVEY_THREADS": "1"},
}


@dataclass
class Probes:
    """What the probe clients saw in one phase."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=20)[-1] * 1000

    def max_ms(self) -> float:
        return max(self.latencies) * 1000 if self.latencies else float("nan")


class Invitations:
    """Unused invitation bodies for token probes, handed out once each."""

    def __init__(self, bodies: list[bytes]) -> None:
        self._bodies = bodies
        self._lock = threading.Lock()

    def take(self) -> bytes:
        with self._lock:
            if not self._bodies:
                raise SystemExit("slow_clients.py: ran out of invitations; raise --invitations")
            return self._bodies.pop()


def probe(port: int, api: str, invitations: Invitations, seconds: float) -> Probes:
    """Two threads of paced requests; every request on a fresh connection."""
    result = Probes()
    lock = threading.Lock()

    def one(turn: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT)
        sent = time.perf_counter()
        try:
            if turn % 2:
                connection.request("POST", f"{api}/tokens", body=invitations.take(),
                                   headers=bench.HEADERS)
            else:
                connection.request("GET", f"{api}/keys")
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status, reason = 0, type(error).__name__
        finally:
            connection.close()
        elapsed = time.perf_counter() - sent
        with lock:
            if status == 200:
                result.latencies.append(elapsed)
            else:
                result.failures.append(reason if status == 0 else str(status))

    def loop(offset: int) -> None:
        deadline = time.monotonic() + seconds
        turn = offset
        while time.monotonic() < deadline:
            began = time.monotonic()
            one(turn)
            turn += 1
            time.sleep(max(0.0, PROBE_INTERVAL - (time.monotonic() - began)))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def raw_upload(port: int, path: str, body: bytes, *, rate: float | None, hold: float) -> str:
    """Send ``body`` at ``rate`` bytes/s (None: the first STALL_AFTER bytes, then silence for
    ``hold`` seconds); returns the status line the server answered with, or what went wrong."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("ascii")
    began = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=hold + 30) as sock:
            sock.sendall(head)
            if rate is None:
                sock.sendall(body[:STALL_AFTER])
            else:
                step = max(1, int(rate / 10))
                for start in range(0, len(body), step):
                    sock.sendall(body[start:start + step])
                    time.sleep(0.1)
            sock.settimeout(max(1.0, hold - (time.monotonic() - began)) + 5)
            reply = sock.recv(4096)
    except OSError as error:
        return f"{type(error).__name__} after {time.monotonic() - began:.0f} s"
    line = reply.split(b"\r\n", 1)[0].decode("latin-1") if reply else "connection closed"
    return f"{line.removeprefix('HTTP/1.1 ')} after {time.monotonic() - began:.0f} s"


@dataclass
class Outcome:
    name: str
    baseline: Probes
    attack: Probes
    slow: list[str]
    stalled: list[str]


def run_config(name: str, env: dict[str, str], args: argparse.Namespace, site: bench.Site,
               tmp: Path, invitations: Invitations, answers: list[bytes]) -> Outcome:
    api = f"/api/v1/rounds/{site.round_id}"
    with bench.gunicorn(name, "survey:create_app()", env, tmp / f"{name}.log", f"{api}/keys",
                        workers=args.workers) as server:
        baseline = probe(server.port, api, invitations, args.seconds)
        replies: dict[str, list[str]] = {"slow": [], "stalled": []}
        lock = threading.Lock()

        def upload(kind: str, body: bytes) -> None:
            rate = SLOW_RATE if kind == "slow" else None
            status = raw_upload(server.port, f"{api}/answers", body, rate=rate,
                                hold=args.seconds + 30)
            with lock:
                replies[kind].append(status)

        junk = json.dumps({"token": "A" * 6000}).encode()
        uploads = [threading.Thread(target=upload, args=("stalled", junk))
                   for _ in range(args.stalled)]
        uploads += [threading.Thread(target=upload, args=("slow", answers.pop()))
                    for _ in range(args.slow)]
        for thread in uploads:
            thread.start()
        time.sleep(1.0)  # the stalled bodies are in place before the probes start
        attack = probe(server.port, api, invitations, args.seconds)
        for thread in uploads:
            thread.join(args.seconds + 60)
    return Outcome(name, baseline, attack, sorted(replies["slow"]), sorted(replies["stalled"]))


def report(outcomes: list[Outcome]) -> bool:
    print()
    print(f"{'configuration':<22}{'phase':<10}{'probes':>7}{'failed':>7}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'max ms':>9}{'p50 ratio':>11}")
    passed = True
    for outcome in outcomes:
        for phase, probes in (("baseline", outcome.baseline), ("attack", outcome.attack)):
            ratio = probes.median_ms() / outcome.baseline.median_ms()
            total = len(probes.latencies) + len(probes.failures)
            print(f"{outcome.name:<22}{phase:<10}{total:>7}{len(probes.failures):>7}"
                  f"{probes.median_ms():9.1f}{probes.p95_ms():9.1f}{probes.max_ms():9.1f}"
                  f"{ratio:11.2f}")
        if outcome.attack.failures:
            print(f"  failed probes: {sorted(set(outcome.attack.failures))}")
        print(f"  slow phones: {outcome.slow}")
        print(f"  stalled bodies: {sorted(set(outcome.stalled))}")
        if outcome.name == "shipped":
            slow_ok = all(s.startswith("201") for s in outcome.slow)
            passed &= not outcome.attack.failures and not outcome.baseline.failures and slow_ok
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--stalled", type=int, default=8)
    parser.add_argument("--slow", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=25.0, help="length of each phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args(argv)
    names = [n for n in args.configs.split(",") if n]
    if not set(names) <= set(CONFIGS) or not (0 < args.seconds <= 120):
        parser.error(f"--configs from {', '.join(CONFIGS)}; 0 < --seconds <= 120")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; {args.database}; {args.workers} workers; "
          f"{args.stalled} stalled + {args.slow} slow uploads; phases of {args.seconds:.0f} s",
          flush=True)
    probes_per_config = int(2 * args.seconds / PROBE_INTERVAL) + 20
    needed = len(names) * (probes_per_config + args.slow) + 50
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="slow-clients-")))
        url = stack.enter_context(fresh_database(args.database, tmp, "slow"))
        secret_key = secrets.token_urlsafe(48)
        site = seed_round(url, tmp, secret_key, needed)
        issued = bench.issuance_bodies(site)
        env = {
            "SURVEY_SECRET_KEY": secret_key, "SURVEY_DATABASE_URL": url,
            "SURVEY_INSTANCE_PATH": str(tmp), "SURVEY_PUBLIC_URL": "http://127.0.0.1",
            "SURVEY_TOKEN_RATE_LIMIT": bench.RATE_LIMIT_OFF,
            "SURVEY_ANSWER_RATE_LIMIT": bench.RATE_LIMIT_OFF,
        }
        # Tokens for the slow phones' answers, obtained through the API beforehand.
        wanted = len(names) * args.slow
        with bench.gunicorn("setup", "survey:create_app()", env, tmp / "setup.log",
                            f"/api/v1/rounds/{site.round_id}/keys", workers=1) as server:
            run = bench.drive(server, f"/api/v1/rounds/{site.round_id}/tokens", issued.ours,
                              label="setup", seconds=60, threads=2, limit=wanted,
                              keep_replies=True)
        answers = bench.answer_bodies(site, issued, run.replies)
        invitations = Invitations(issued.ours[wanted:])
        outcomes = [run_config(name, {**env, **CONFIGS[name]}, args, site, tmp, invitations,
                               answers) for name in names]
    return 0 if report(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
