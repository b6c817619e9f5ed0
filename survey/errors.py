"""Domain errors and the one place that turns them (and HTTP errors) into responses."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException


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


def register_handlers(app: Flask) -> None:
    """One handler for every domain error, one for every HTTP error."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Any:
        if wants_json():
            return jsonify(error=error.code, message=error.message), error.status
        return render_template("errors/domain.html", error=error), error.status

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if wants_json():
            return jsonify(error=_api_code(status), message=error.description), status
        known = status in (403, 404, 429, 500)
        template = f"errors/{status}.html" if known else "errors/generic.html"
        return render_template(template, error=error, status=status), status

    @app.errorhandler(500)
    def _server_error(error: Exception) -> Any:
        if wants_json():
            return jsonify(error="server_error", message=gettext("Internal error.")), 500
        return render_template("errors/500.html", error=error, status=500), 500


def _api_code(status: int) -> str:
    return {
        400: "malformed",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        415: "not_json",
        429: "rate_limited",
    }.get(status, "error")
