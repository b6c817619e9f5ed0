"""Login throttling: failed attempts are counted per account, per client address, per device.

Only failed attempts count (a view marks them with ``note_failed_login``), so a user who logs in
many times a day is never locked out. Counters live in RATELIMIT_STORAGE_URI (Redis when several
app hosts serve the site), and they hold a username, an address or a device nonce, never anything
about answers.

A stranger must not be able to lock a custodian out at unseal time (OWASP's device cookies,
survey/auth/device.py): a browser presenting a valid device cookie for the account it logs in to
is counted only against its own nonce (LOGIN_LIMIT_PER_DEVICE); every other client shares the
per-account and per-address limits, which lock strangers out, not the account's owner.
"""

from __future__ import annotations

from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address

from survey.auth.device import trusted_nonce
from survey.auth.services import normalise_username
from survey.extensions import limiter

_FAILED = "_survey_login_failed"


def note_failed_login() -> None:
    """Count this request against both login limits."""
    setattr(g, _FAILED, True)


def _failed(_response: Response) -> bool:
    return bool(g.get(_FAILED))


def _username() -> str:
    return normalise_username(request.form.get("username", ""))[:64]


def _trusted() -> bool:
    """The request carries this browser's valid device cookie for the account it names."""
    return trusted_nonce(_username()) is not None


def _untrusted() -> bool:
    return not _trusted()


def _account_key() -> str:
    return "login-account:" + _username()


def _device_key() -> str:
    return "login-device:" + (trusted_nonce(_username()) or "none")


def _client_key() -> str:
    return "login-client:" + (get_remote_address() or "unknown")


def _account_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _client_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_CLIENT"])


def _device_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_DEVICE"])


# Strangers (no valid device cookie for the account): per account and per address.
per_account = limiter.limit(
    _account_limit,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_trusted,
)
per_client = limiter.limit(
    _client_limit,
    key_func=_client_key,
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_trusted,
)
# A known browser: its own counter only, so the owner keeps working while strangers are locked.
per_device = limiter.limit(
    _device_limit,
    key_func=_device_key,
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_untrusted,
)
