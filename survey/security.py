"""Response headers, the secret-key guard and request-log filtering."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from survey.compression import install_compression
from survey.config import secret_key_problem

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Staff pages may show answer texts, names, codes or parts: no browser or proxy keeps a copy
# (a shared office computer's cache, the back button after logout).
NO_STORE_BLUEPRINTS = frozenset(
    {"admin", "auth", "committee", "custodian", "secretary", "superior"}
)
# Paths whose requests are never written to a request log: who opened an invitation or sent an
# answer must not sit next to an address and a time (DESIGN.md section 3).
QUIET_PATH_PREFIXES = ("/i", "/a/", "/api/v1")


def is_quiet_path(path: str) -> bool:
    """True for the officers' paths that no access log may record (and the load balancer's
    probes, which would only flood it)."""
    return path == "/i" or path.startswith(("/i?", "/i/", "/a/", "/api/v1", "/healthz/"))


_TERMINAL_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


class StaffSessionInterface(SecureCookieSessionInterface):
    """The staff session cookie, which officers' pages neither read nor set.

    A secretary answering in the same browser sends the staff cookie along; it is ignored there,
    and no refresh of it is sent back (a permanent session would otherwise be re-set on every
    response).
    """

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        if is_quiet_path(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        from survey.i18n import COOKIELESS_BLUEPRINTS

        if is_quiet_path(request.path) or request.blueprint in COOKIELESS_BLUEPRINTS:
            return
        super().save_session(app, session, response)


class QuietRequestLogFilter(logging.Filter):
    """Drops werkzeug's request lines for the officers' paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = _TERMINAL_COLOURS.sub("", record.getMessage())
        for method in ("GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE"):
            marker = f'"{method} '
            start = message.find(marker)
            if start >= 0:
                path = message[start + len(marker):].split(" ", 1)[0]
                return not is_quiet_path(path)
        return True


# Responses that are never rendered as documents (scripts, style sheets, the JSON API, served
# with nosniff): the only ones sent without CSP and framing rules.
SUBRESOURCE_TYPES = frozenset(
    {"text/javascript", "application/javascript", "text/css", "application/json"}
)


def install_request_hooks(app: Flask) -> None:
    """Refuse to serve without a secret key; add security headers to every response."""
    app.session_interface = StaffSessionInterface()
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # The client address (login throttle) and scheme (Secure cookies) as the proxies saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, QuietRequestLogFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(QuietRequestLogFilter())
    install_compression(app)

    @app.before_request
    def _require_secret_key() -> Response | None:
        problem = secret_key_problem(app)
        if problem is None:
            return None
        app.logger.error("refusing requests: %s", problem)
        return Response(f"Service not configured: {problem}\n", status=503, mimetype="text/plain")

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype in SUBRESOURCE_TYPES:
            # Scripts, style sheets, JSON: CSP and framing rules apply to documents, never to
            # them, and Cache-Control already says what Expires would (DESIGN.md section 5:
            # an officer's phone downloads these headers once per file).
            response.headers.pop("Expires", None)
        else:
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers["X-Frame-Options"] = "DENY"
        if is_quiet_path(request.path) or request.blueprint in NO_STORE_BLUEPRINTS:
            response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
        hsts = int(app.config.get("HSTS_SECONDS") or 0)
        if hsts > 0:
            response.headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
        return response
