"""The officers' JSON API, version 1 (DESIGN.md section 6). No cookies; exempt from CSRF.

Each view follows the failure order of section 6: unknown round, not JSON, too large, rate
limited, then the service's own checks.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _

from survey import jsonbody
from survey.config import secret_key_bytes
from survey.crypto.seal import MAX_SEALED_BYTES
from survey.extensions import csrf, db, limiter
from survey.models import Round
from survey.rounds import collecting, participation
from survey.rounds.clock import to_local, utcnow
from survey.rounds.errors import Malformed
from survey.rounds.queries import find_public_round, public_state
from survey.rounds.wire import b64u_encode

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# The API's one limit is the global counter below, checked in the order section 6 demands.
limiter.exempt(bp)


class ApiRefusal(Exception):
    """A protocol-level refusal decided before any service runs."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(ApiRefusal)
def _refusal(error: ApiRefusal) -> tuple[Response, int]:
    return jsonify(error=error.code, message=error.message), error.status


def _load_round(round_id: str) -> Round:
    """404 first; a deadline that passed closes the round (committed at once)."""
    round_, closed_now = find_public_round(db.session, round_id, now=utcnow())
    if closed_now:
        db.session.commit()
    return round_


def _read_json_body(limit_name: str, limit_setting: str) -> dict[str, Any] | None:
    """415, 413, 429 in that order; then the parsed object, or None when it is not valid JSON."""
    if request.mimetype != "application/json":
        raise ApiRefusal(415, "not_json", _("Send Content-Type: application/json."))
    max_length = int(current_app.config["MAX_CONTENT_LENGTH"])
    if request.content_length is not None and request.content_length > max_length:
        raise ApiRefusal(413, "too_large", _("The request body is too large."))
    _global_rate_limit(limit_name, limit_setting)
    try:
        body = jsonbody.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _global_rate_limit(name: str, setting: str) -> None:
    """One fixed-window counter for the whole site: never per address (DESIGN.md section 3)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    from limits import parse

    if not limiter.limiter.hit(parse(current_app.config[setting]), "officer-api", name):
        raise ApiRefusal(
            429, "rate_limited", _("Too many requests right now. Try again in a minute.")
        )


@bp.get("/rounds/<round_id>/keys")
def keys(round_id: str) -> Response:
    round_ = _load_round(round_id)
    assert round_.token_key_spki is not None and round_.seal_public is not None
    deadline = round_.deadline
    return jsonify(
        **_kind_fields(round_),
        round_id=round_.public_id,
        state=public_state(round_),
        title=round_.title,
        intro=round_.intro,
        deadline=to_local(deadline, current_app.config["TIMEZONE"]).isoformat()
        if deadline
        else None,
        fingerprint=round_.fingerprint,
        token_key={"spki": b64u_encode(round_.token_key_spki)},
        seal_key={"public": b64u_encode(round_.seal_public)},
        sections=[{"id": s.key, "title": s.title} for s in round_.sections],
        max_chars=int(current_app.config["ANSWER_MAX_CHARS"]),
        max_sealed_bytes=MAX_SEALED_BYTES,
    )


def _kind_fields(round_: Round) -> dict[str, Any]:
    """``kind``, and for a consultation its version, topics and the previous version's record."""
    if round_.kind != "consultation":
        return {"kind": "answers"}
    from survey.topics.wire import consultation_fields

    return consultation_fields(db.session, round_)


@bp.post("/rounds/<round_id>/tokens")
def tokens(round_id: str) -> tuple[Response, int]:
    round_ = _load_round(round_id)
    body = _read_json_body("tokens", "TOKEN_RATE_LIMIT")
    if body is None and round_.state == "collecting":
        raise Malformed(_("The body must be a JSON object."))
    secret = secret_key_bytes(current_app)
    pending = collecting.issue_token(db.session, round_, body or {}, secret)
    db.session.commit()
    blind_sig = pending.sign(secret)
    return jsonify(blind_sig=b64u_encode(blind_sig)), 200


@bp.post("/rounds/<round_id>/answers")
def answers(round_id: str) -> tuple[Response, int]:
    round_ = _load_round(round_id)
    body = _read_json_body("answers", "ANSWER_RATE_LIMIT")
    if body is None and round_.state == "collecting":
        raise Malformed(_("The body must be a JSON object."))
    receipt = collecting.accept_answer(db.session, round_, body or {})
    db.session.commit()
    return jsonify(receipt=receipt), 201


@bp.post("/rounds/<round_id>/invitation-status")
def invitation_status(round_id: str) -> tuple[Response, int]:
    """Was this invitation used, and who takes part (after close: whose invitation was used)?"""
    round_ = _load_round(round_id)
    body = _read_json_body("status", "TOKEN_RATE_LIMIT")
    if body is None:
        raise Malformed(_("The body must be a JSON object."))
    secret = secret_key_bytes(current_app)
    return jsonify(participation.invitation_status(db.session, round_, body, secret)), 200
