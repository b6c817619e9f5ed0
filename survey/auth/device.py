"""Device cookies: a browser that logged in to an account before is not locked out by strangers.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": after a successful login the
browser receives a signed cookie naming the account and a random nonce. A login attempt that
presents a valid device cookie for the account it names is counted against that cookie's nonce
only; attempts from every other client (strangers) share the per-account limit and are locked out
together, so eleven failures from anywhere cannot keep a custodian out of their own browser at
unseal time. A device cookie that fails too often is locked in turn (its own counter), and a new
nonce is issued at every successful login.

The cookie is signed with the app secret (itsdangerous) and holds, besides the entries, a random
browser id that the unseal flow uses to refuse both parts from one browser. It is HttpOnly,
SameSite=Lax, Secure in production, and never read or set on the officers' pages.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "survey_device"
_SALT = "svy-device-cookie-v1"
# Accounts remembered per browser (a shared office computer used by a few staff).
MAX_ENTRIES = 8
_CACHE = "_survey_device_cookie"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def _max_age() -> int:
    return int(current_app.config["DEVICE_COOKIE_DAYS"]) * 24 * 3600


def _read() -> dict[str, Any]:
    """The verified cookie content, or an empty one (missing, forged, expired or malformed)."""
    cached = g.get(_CACHE)
    if cached is not None:
        return dict(cached)
    content: dict[str, Any] = {}
    raw = request.cookies.get(COOKIE)
    if raw and len(raw) < 4096:
        try:
            loaded = _serializer().loads(raw, max_age=_max_age())
        except BadSignature:
            loaded = None
        if _well_formed(loaded):
            content = loaded
    setattr(g, _CACHE, content)
    return dict(content)


def _well_formed(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("b"), str):
        return False
    entries = value.get("e")
    return isinstance(entries, list) and all(
        isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
        for e in entries
    )


def trusted_nonce(username: str) -> str | None:
    """The nonce of this browser's device cookie for ``username``, if it holds a valid one."""
    for name, nonce in _read().get("e", []):
        if name == username:
            return str(nonce)
    return None


def browser_id() -> str | None:
    """A random id of this browser, from its device cookie (None before its first login)."""
    value = _read().get("b")
    return str(value) if value else None


def remember_device(response: Response, username: str) -> None:
    """After a successful login: a fresh nonce for ``username`` in this browser's cookie."""
    content = _read()
    browser = content.get("b") or secrets.token_urlsafe(16)
    entries = [e for e in content.get("e", []) if e[0] != username]
    entries = [[username, secrets.token_urlsafe(16)], *entries][:MAX_ENTRIES]
    value = _serializer().dumps({"b": browser, "e": entries})
    response.set_cookie(
        COOKIE,
        value,
        max_age=_max_age(),
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
        path="/",
    )
    setattr(g, _CACHE, {"b": browser, "e": entries})
