"""The officers' API's global limits: fixed windows over the whole site, never per address.

A counter is hit only for real work (DESIGN.md section 3, "Flooding"): an answer whose token
verified and is being stored, an invitation found unused and being claimed, a status asked with a
real code. Junk (``{}``, a bad signature, an unknown code) is refused without touching a counter,
so it can neither use the limit up for everyone nor read how many real requests arrived.

Counters live in ``RATELIMIT_STORAGE_URI``: with ``redis://`` every worker and every app host
shares them (docs/limits.md). With ``memory://`` they are this process's own, kept here under a
lock (the ``limits`` memory store starts a timer thread on every hit, a cost on the hot path).
Keys hold only the endpoint's name: no address, code or token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage

from survey.extensions import limiter
from survey.rounds.errors import RateLimited

logger = logging.getLogger(__name__)

# The names of the counters, and the setting holding each one's limit.
SETTINGS = {
    "answers": "ANSWER_RATE_LIMIT",
    "tokens": "TOKEN_RATE_LIMIT",
    "status": "TOKEN_RATE_LIMIT",
}
SCOPE = "officer-api"


class ProcessWindows:
    """Fixed windows in this process: a window starts at its first hit and lasts its period."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, amount: int, seconds: int) -> bool:
        """Count one unless the window is full; whether it was counted."""
        now = time.monotonic()
        with self._lock:
            ends, used = self._windows.get(key, (0.0, 0))
            if now >= ends:
                ends, used = now + seconds, 0
            if used >= amount:
                return False
            self._windows[key] = (ends, used + 1)
            return True

    def used(self, key: str) -> int:
        with self._lock:
            ends, used = self._windows.get(key, (0.0, 0))
            return used if time.monotonic() < ends else 0

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._windows)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


process_windows = ProcessWindows()


@lru_cache(maxsize=32)
def _limit(text: str) -> RateLimitItem:
    return parse(text)


def gate(name: str) -> Callable[[], None]:
    """What a service calls once it knows the request is real work: count it, or refuse 429."""
    return lambda: admit(name)


def admit(name: str) -> None:
    """Count one unit of real work on the global counter ``name``; RateLimited when it is full.

    An unreachable counter store lets the request through (logged without any detail of the
    request): an outage of the limiter must not turn away answers.
    """
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    limit = _limit(config[SETTINGS[name]])
    prefix = str(config.get("RATELIMIT_KEY_PREFIX") or "")
    if isinstance(limiter.limiter.storage, MemoryStorage):
        allowed = process_windows.hit(_key(prefix, name, limit), limit.amount, limit.get_expiry())
    else:
        try:
            allowed = limiter.limiter.hit(limit, prefix, SCOPE, name)
        except Exception as error:  # any storage failure: fail open, and say so
            logger.warning(
                "rate-limit storage unavailable (%s); %s not counted", type(error).__name__, name
            )
            return
    if not allowed:
        raise RateLimited()


def remaining(name: str) -> int:
    """What is left of counter ``name`` in its current window (for tests and operators)."""
    config = current_app.config
    limit = _limit(config[SETTINGS[name]])
    prefix = str(config.get("RATELIMIT_KEY_PREFIX") or "")
    if isinstance(limiter.limiter.storage, MemoryStorage):
        return limit.amount - process_windows.used(_key(prefix, name, limit))
    return int(limiter.limiter.get_window_stats(limit, prefix, SCOPE, name).remaining)


def reset() -> None:
    """Empty every counter (tests)."""
    process_windows.clear()
    limiter.reset()


def _key(prefix: str, name: str, limit: RateLimitItem) -> str:
    return f"{prefix}/{SCOPE}/{name}/{limit.amount}/{limit.get_expiry()}"
