"""One phone that stalls or trickles its body does not hold up anyone else (issue 9, item 3).

Real gunicorn with the documented settings (``config/gunicorn.conf.py``), one worker so that
nothing else could absorb the stall, on the test database kind (SQLite or PostgreSQL).
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.committed import fresh_database
from tests.ops.live import LiveRound, Served, gunicorn, obtain_ticket, seed_round

BODY_TIMEOUT = 4  # seconds; the shipped setting is 20


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveRound]:
    with fresh_database(tmp_path, "ops_slow") as url:
        yield seed_round(url, tmp_path, 6)


def open_upload(served: Served, path: str, length: int, first: bytes) -> socket.socket:
    """A POST whose headers announce ``length`` bytes of body, of which ``first`` is sent."""
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=120)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n".encode("ascii") + first
    )
    return sock


def reply_of(sock: socket.socket) -> tuple[int, dict[str, object]]:
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body) if body else {}


@pytest.mark.slow
def test_a_stalled_body_does_not_block_other_requests(live: LiveRound) -> None:
    with gunicorn(live, workers=1, SURVEY_BODY_TIMEOUT=str(BODY_TIMEOUT)) as served:
        stalled = open_upload(served, f"{live.api}/answers", 6000, b'{"token": "' + b"A" * 500)
        try:
            time.sleep(0.5)  # the worker has the stalled request in hand
            # A read, a write (SQLite's write lock is free), and a whole answer all go through.
            assert served.request("GET", f"{live.api}/keys")[0] == 200
            ticket = obtain_ticket(served, live, live.codes[0], "食堂的饭菜可以再改进。")
            status, reply = served.request("POST", f"{live.api}/answers", ticket.body())
            assert status == 201, reply
            # The stalled phone is told, after the deadline, and nothing of it was stored.
            status, reply = reply_of(stalled)
            assert status == 503 and reply["error"] == "timeout", reply
        finally:
            stalled.close()
        status, reply = served.request("POST", f"{live.api}/answers", ticket.body())
        assert status == 201, "the identical retry still gets its receipt"
    log = served.log.read_text()
    assert "/api/v1" not in log and "Traceback" not in log, log


@pytest.mark.slow
def test_a_trickled_body_is_cut_off_at_the_total_deadline(live: LiveRound) -> None:
    """The attack: one byte every 0.3 s never lets a per-packet timeout fire."""
    with gunicorn(live, workers=1, SURVEY_BODY_TIMEOUT=str(BODY_TIMEOUT)) as served:
        sock = open_upload(served, f"{live.api}/answers", 6000, b"{")
        sent = 1
        try:
            while not select.select([sock], [], [], 0.3)[0]:
                sock.sendall(b" ")
                sent += 1
                assert sent < 6000, "the whole body went through without a reply"
            status, reply = reply_of(sock)
        finally:
            sock.close()
        assert status == 503 and reply["error"] == "timeout"
        assert sent < 1000, f"cut off after {sent} bytes, long after the deadline"
        assert served.request("GET", f"{live.api}/keys")[0] == 200


@pytest.mark.slow
def test_a_body_announced_too_large_is_refused_unread(live: LiveRound) -> None:
    with gunicorn(live, workers=1, SURVEY_BODY_TIMEOUT=str(BODY_TIMEOUT)) as served:
        sock = open_upload(served, f"{live.api}/answers", 10_000_000, b"{")
        try:
            status, reply = reply_of(sock)
        finally:
            sock.close()
        assert status == 413 and reply["error"] == "too_large"
