"""Domain errors and the one place that turns them (and HTTP and database errors) into responses.

People get an HTML page with a sentence saying what happened; the officers' API gets
``{"error": <code>, "message": <text>}``. A database that cannot be reached, is locked or is
read-only is an outage, not a bug: 503 with ``Retry-After`` (the phone page retries by itself).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from sqlalchemy import exc as sa_exc
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from survey.extensions import db

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again after a 503.
RETRY_AFTER_SECONDS = 5
# Statuses with a page of their own; the others share errors/generic.html.
STATUS_PAGES = frozenset({400, 403, 404, 413, 414, 415, 429, 500, 503})
# The database errors that mean "not available right now" rather than "this request is wrong".
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
)


class DomainError(Exception):
    """A refusal by a service. ``status`` is the HTTP status, ``code`` the API error code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(message or self.default_message())
        self.message = message or self.default_message()
        self.details = details

    def default_message(self) -> str:
        return self.__class__.__doc__ or self.code


class NotFound(DomainError):
    """The thing asked for does not exist."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """You may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request conflicts with the current state."""

    status = 409
    code = "conflict"


class InvalidInput(DomainError):
    """The input is not acceptable."""

    status = 400
    code = "invalid_input"


def wants_json() -> bool:
    """The officers' API always answers JSON."""
    return request.path.startswith("/api/")


def database_problem(error: BaseException) -> str:
    """The driver's one-line reason, without the SQL statement or its parameters.

    SQLAlchemy's own text of an error carries the statement and the values bound to it, which
    may hold an invitation code or an answer's hash; logs and the command line get only this.
    """
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines() or [type(original).__name__]
    return lines[0][:300]


def register_handlers(app: Flask) -> None:
    """One handler for every domain error, every HTTP error and each kind of database error."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
    for outage in OUTAGE_ERRORS:
        app.register_error_handler(outage, _database_unavailable)
    app.register_error_handler(sa_exc.DataError, _data_refused)


def _domain_error(error: DomainError) -> Any:
    if wants_json():
        return jsonify(error=error.code, message=error.message), error.status
    return _page("errors/domain.html", error.status, error=error)


def _http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if wants_json():
        return jsonify(error=_api_code(status), message=error.description), status
    template = f"errors/{status}.html" if status in STATUS_PAGES else "errors/generic.html"
    return _page(template, status, error=error)


def _server_error(error: Exception) -> Any:
    if wants_json():
        return jsonify(error="server_error", message=gettext("Internal error.")), 500
    return _page("errors/500.html", 500, error=error)


def _database_unavailable(error: Exception) -> Response:
    """503 with Retry-After: the request may succeed once the database answers again."""
    logger.warning("database unavailable (%s): %s", request.path, database_problem(error))
    if wants_json():
        message = gettext("The service is briefly unavailable. Try again in a moment.")
        response = jsonify(error="unavailable", message=message)
        response.status_code = 503
    else:
        response = _page("errors/503.html", 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _data_refused(error: sa_exc.DataError) -> Any:
    """A value the database refuses (a NUL, an overlong text): the request's fault, so 400.

    Input is checked long before it reaches the database (survey.request_guard, the forms, the
    services); reaching this handler means a check is missing, hence the warning.
    """
    logger.warning("database refused a value (%s): %s", request.path, database_problem(error))
    message = gettext("The request holds a value that cannot be stored. Nothing was changed.")
    if wants_json():
        return jsonify(error="malformed", message=message), 400
    return _page("errors/domain.html", 400, error=InvalidInput(message))


def _page(template: str, status: int, **context: Any) -> Response:
    """An error page; it never reads the request body (which may be what was refused).

    Unfinished database work is rolled back first: nothing half-done may be committed later,
    and on PostgreSQL a failed statement leaves a transaction that answers no further query
    (the page shell asks who is logged in). If the database goes away meanwhile, the page
    becomes the 503 page, which asks it nothing.
    """
    _forget_request_body()
    try:
        if status != 503:
            db.session.rollback()
        body = render_template(template, status=status, **context)
    except OUTAGE_ERRORS as error:
        if status == 503:
            raise
        return _database_unavailable(error)
    return Response(body, status=status, mimetype="text/html")


def _forget_request_body() -> None:
    """Make the body look empty to everything that renders the page.

    The page shell's own forms (language switch, log out) read the submitted form when they are
    built during a POST; after a 413 that read raises 413 again, and after a body that is not a
    form it may raise too, turning a clear refusal into a 500.
    """
    empty: ImmutableMultiDict[str, Any] = ImmutableMultiDict()
    request.__dict__.update(form=empty, files=empty)
    request._cached_json = (None, None)


def _api_code(status: int) -> str:
    return {
        400: "malformed",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        414: "too_large",
        415: "not_json",
        429: "rate_limited",
        503: "unavailable",
    }.get(status, "error")
