"""The officers' API's global limits: fixed windows over the whole site, never per address.

A counter is hit only for real work (DESIGN.md section 3, "Flooding"): an answer whose token
verified and is being spent, an invitation found unused and being claimed, a status asked with a
real code. Junk (``{}``, a bad signature, an unknown code) is refused without touching a counter,
so it can neither use the limit up for everyone nor read how many real requests arrived.

Counters live in ``RATELIMIT_STORAGE_URI``: with ``redis://`` every worker and every app host
shares them (docs/limits.md). Keys hold only the endpoint's name: no address, code or token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from limits import parse

from survey.extensions import limiter
from survey.rounds.errors import RateLimited

logger = logging.getLogger(__name__)

# The names of the counters, and the setting holding each one's limit.
SETTINGS = {
    "answers": "ANSWER_RATE_LIMIT",
    "tokens": "TOKEN_RATE_LIMIT",
    "status": "TOKEN_RATE_LIMIT",
}


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
    limit = parse(config[SETTINGS[name]])
    prefix = str(config.get("RATELIMIT_KEY_PREFIX") or "")
    try:
        allowed = limiter.limiter.hit(limit, prefix, "officer-api", name)
    except Exception as error:  # any storage failure: fail open, and say so
        logger.warning(
            "rate-limit storage unavailable (%s); %s not counted", type(error).__name__, name
        )
        return
    if not allowed:
        raise RateLimited()
