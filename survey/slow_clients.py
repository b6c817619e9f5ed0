"""Gunicorn's workers read each request body whole, within a deadline, before the app sees it.

Why: a phone on a bad mobile network may send its answer slowly or stop half-way. Whatever the
app does once it has a request (open a transaction, take SQLite's write lock, hold a database
connection) must not wait on that phone. The documented deployment puts nginx with request
buffering in front (docs/deploy.md); this is the second line, for a deployment without it:

- ``config/gunicorn.conf.py`` runs threaded workers, so one slow body holds one thread, not a
  whole worker;
- :class:`WholeBodyFirst` reads the body into memory before calling the app, and gives up
  after ``SURVEY_BODY_TIMEOUT`` seconds in all (not per packet, so a trickle of one byte at a
  time is cut off too) with ``503`` and ``Retry-After`` (not ``408``: the phone page keeps an
  answer and sends it again after a 5xx, as after a network failure, while it gives up on a 4xx
  it does not know). A body declared larger than ``MAX_CONTENT_LENGTH`` is not
  read at all: the app refuses it with 413 from its headers alone.

Installed by the ``post_worker_init`` hook of ``config/gunicorn.conf.py`` (:func:`install`).
Logs nothing: a timed-out request leaves no line naming a path, an address or a time.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_LIMIT = 128 * 1024
READ_STEP = 64 * 1024
RETRY_AFTER = "2"  # seconds
TIMEOUT_MESSAGE = (
    "请求正文发送超时，请重试。 The request body took too long to arrive; please try again."
)
INCOMPLETE_MESSAGE = "请求正文不完整。 The request body was incomplete."

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Watchdog:
    """One thread per worker process that cuts off the reading side of sockets past their
    deadline, so a blocked ``recv`` returns at once (Linux: ``shutdown(SHUT_RD)`` wakes it)."""

    def __init__(self, tick: float = 0.2) -> None:
        self._tick = tick
        self._lock = threading.Lock()
        self._heap: list[tuple[float, int]] = []
        self._watched: dict[int, socket.socket] = {}
        self._fired: set[int] = set()
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> int:
        with self._lock:
            number = next(self._numbers)
            self._watched[number] = sock
            heapq.heappush(self._heap, (deadline, number))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="body-watchdog", daemon=True)
                self._thread.start()
        return number

    def release(self, number: int) -> bool:
        """Stop watching; True when the deadline had passed and the socket was cut off."""
        with self._lock:
            self._watched.pop(number, None)
            if number in self._fired:
                self._fired.discard(number)
                return True
            return False

    def _run(self) -> None:
        while True:
            time.sleep(self._tick)
            now = time.monotonic()
            with self._lock:
                while self._heap and self._heap[0][0] <= now:
                    _deadline, number = heapq.heappop(self._heap)
                    sock = self._watched.pop(number, None)
                    if sock is None:
                        continue  # finished in time
                    self._fired.add(number)
                    with contextlib.suppress(OSError):  # already closed by the client
                        sock.shutdown(socket.SHUT_RD)


class WholeBodyFirst:
    """WSGI middleware: the app gets a request only once its whole body is in memory."""

    def __init__(
        self, app: WsgiApp, *, timeout: float, limit: int = DEFAULT_LIMIT, inside: int = 0
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.limit = limit
        self.watchdog = Watchdog()
        # At most ``inside`` requests run the app at once (0: no limit). The other threads only
        # wait on the network; the app's own work is CPU and database, where more concurrency
        # in one process only stretches each transaction (and SQLite's write lock) on the GIL.
        self.gate = threading.BoundedSemaphore(inside) if inside > 0 else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._has_body(environ):
            return self._app(environ, start_response)
        declared = environ.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > self.limit:
            return self._app(environ, start_response)  # refused unread, from its headers
        sock = environ.get("gunicorn.socket")
        number = self.watchdog.watch(sock, time.monotonic() + self.timeout) if sock else None
        try:
            body = self._read(environ["wsgi.input"])
        except Exception:  # any failure mid-body, timed out or not
            body = None
        finally:
            fired = self.watchdog.release(number) if number is not None else False
        if fired or body is None:
            return self._refuse(environ, start_response, timed_out=fired)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self._app(environ, start_response)

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.gate is None:
            return self.app(environ, start_response)
        with self.gate:
            return self.app(environ, start_response)

    @staticmethod
    def _has_body(environ: dict[str, Any]) -> bool:
        if environ.get("REQUEST_METHOD") not in BODY_METHODS:
            return False
        declared = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        return chunked or (declared.isdigit() and int(declared) > 0)

    def _read(self, stream: Any) -> bytes:
        """Up to ``limit + 1`` bytes (one more than allowed, so the app still sees "too large")."""
        chunks: list[bytes] = []
        total = 0
        while total <= self.limit:
            chunk = stream.read(min(READ_STEP, self.limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)

    @staticmethod
    def _refuse(
        environ: dict[str, Any], start_response: StartResponse, *, timed_out: bool
    ) -> Iterable[bytes]:
        status = "503 Service Unavailable" if timed_out else "400 Bad Request"
        code = "timeout" if timed_out else "malformed"
        message = TIMEOUT_MESSAGE if timed_out else INCOMPLETE_MESSAGE
        if environ.get("PATH_INFO", "").startswith("/api/"):
            payload = json.dumps({"error": code, "message": message}, ensure_ascii=False)
            content_type = "application/json"
        else:
            payload, content_type = message, "text/plain; charset=utf-8"
        data = payload.encode("utf-8")
        start_response(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(data))),
             ("Cache-Control", "no-store"), ("Retry-After", RETRY_AFTER)],
        )
        return [data]


def install(worker: Any, timeout: float, inside: int = 0) -> None:
    """Wrap a gunicorn worker's app (the ``post_worker_init`` hook); the limit is the app's own."""
    limit = DEFAULT_LIMIT
    config = getattr(worker.wsgi, "config", None)
    if config is not None and config.get("MAX_CONTENT_LENGTH"):
        limit = int(config["MAX_CONTENT_LENGTH"])
    worker.wsgi = WholeBodyFirst(worker.wsgi, timeout=timeout, limit=limit, inside=inside)
