"""Login throttling: failed attempts are counted per account and per client address.

Only failed attempts count (a view marks them with ``note_failed_login``), so a user who logs in
many times a day is never locked out. Counters live in RATELIMIT_STORAGE_URI (Redis when several
app hosts serve the site), and they hold a username or an address, never anything about answers.
"""

from __future__ import annotations

from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address

from survey.auth.services import normalise_username
from survey.extensions import limiter

_FAILED = "_survey_login_failed"


def note_failed_login() -> None:
    """Count this request against both login limits."""
    setattr(g, _FAILED, True)


def _failed(_response: Response) -> bool:
    return bool(g.get(_FAILED))


def _account_key() -> str:
    return "login-account:" + normalise_username(request.form.get("username", ""))[:64]


def _client_key() -> str:
    return "login-client:" + (get_remote_address() or "unknown")


def _account_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _client_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_CLIENT"])


per_account = limiter.limit(
    _account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed
)
per_client = limiter.limit(
    _client_limit, key_func=_client_key, methods=["POST"], deduct_when=_failed
)
