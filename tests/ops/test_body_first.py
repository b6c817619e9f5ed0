"""survey.slow_clients.WholeBodyFirst in-process: the app sees whole bodies, a bounded number
of requests run the app at once, and sizes are left for the app to refuse."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

from survey.slow_clients import WholeBodyFirst


def environ(body: bytes, *, declared: int | None = None, method: str = "POST") -> dict[str, Any]:
    return {"REQUEST_METHOD": method, "PATH_INFO": "/api/v1/x", "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body) if declared is None else declared)}


class Recorder:
    """A WSGI app that records the body it could read and how many ran at once."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause, self.bodies, self.running, self.most = pause, [], 0, 0
        self.lock = threading.Lock()

    def __call__(self, env: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.bodies.append((env["CONTENT_LENGTH"], env["wsgi.input"].read()))
        time.sleep(self.pause)
        with self.lock:
            self.running -= 1
        start_response("200 OK", [])
        return [b"ok"]


def test_the_app_gets_the_whole_body_in_memory() -> None:
    app = Recorder()
    env = environ(b'{"a": 1}')
    WholeBodyFirst(app, timeout=5)(env, lambda *a: None)
    assert app.bodies == [("8", b'{"a": 1}')]
    assert isinstance(env["wsgi.input"], io.BytesIO)


def test_an_overlong_body_reaches_the_app_one_byte_over_the_limit() -> None:
    """A body longer than announced (or chunked) is cut at limit + 1: the app says 413."""
    app = Recorder()
    env = environ(b"y" * 5000, declared=10)
    env["CONTENT_LENGTH"] = ""  # chunked: no length announced
    env["HTTP_TRANSFER_ENCODING"] = "chunked"
    WholeBodyFirst(app, timeout=5, limit=1000)(env, lambda *a: None)
    assert app.bodies == [("1001", b"y" * 1001)]


def test_a_body_announced_too_large_is_not_read() -> None:
    app = Recorder()
    env = environ(b"z" * 10, declared=10_000_000)
    WholeBodyFirst(app, timeout=5, limit=1000)(env, lambda *a: None)
    assert app.bodies == [("10000000", b"z" * 10)]  # the app reads (and refuses) it itself


def test_at_most_inside_requests_run_the_app_at_once() -> None:
    app = Recorder(pause=0.05)
    gated = WholeBodyFirst(app, timeout=5, inside=3)
    threads = [threading.Thread(target=gated, args=(environ(b"{}"), lambda *a: None))
               for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(app.bodies) == 12 and app.most <= 3
