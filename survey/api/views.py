"""The officers' JSON API, version 1 (DESIGN.md section 6). No cookies; exempt from CSRF.

Each view reads the whole body before any database work, then follows the failure order of
section 6: unknown round, not JSON, too large, then the service's own checks. The global limits
count only real work (survey/api/limits.py), so a 429 comes last, from the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _

from survey import jsonbody
from survey.api import limits
from survey.config import secret_key_bytes
from survey.crypto.seal import MAX_SEALED_BYTES
from survey.extensions import begin_read_only, csrf, db, limiter
from survey.models import Round
from survey.rounds import collecting, lifecycle, participation
from survey.rounds.clock import to_local, utcnow
from survey.rounds.errors import Malformed, RateLimited
from survey.rounds.queries import (
    CollectingRound,
    find_collecting_round,
    find_officer_round,
    public_state,
)
from survey.rounds.wire import b64u_encode

RoundT = TypeVar("RoundT", Round, CollectingRound)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# The API's limits are the global counters of survey/api/limits.py, hit only for real work.
limiter.exempt(bp)


class ApiRefusal(Exception):
    """A protocol-level refusal decided before any service runs."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(ApiRefusal)
def _refusal(error: ApiRefusal) -> tuple[Response, int]:
    return jsonify(error=error.code, message=error.message), error.status


@dataclass(frozen=True)
class _Body:
    """A request body read whole before any database work (so a slow upload holds no lock)."""

    refusal: ApiRefusal | None
    parsed: dict[str, Any] | None


def _read_body() -> _Body:
    """415 and 413 are decided here but raised after the round is known (404 comes first)."""
    if request.mimetype != "application/json":
        return _Body(ApiRefusal(415, "not_json", _("Send Content-Type: application/json.")), None)
    max_length = int(current_app.config["MAX_CONTENT_LENGTH"])
    if request.content_length is not None and request.content_length > max_length:
        return _Body(ApiRefusal(413, "too_large", _("The request body is too large.")), None)
    try:
        body = jsonbody.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError):
        return _Body(None, None)
    return _Body(None, body if isinstance(body, dict) else None)


def _close_if_due(round_id: str) -> None:
    """A passed deadline closes the round first, in a transaction of its own, exactly once
    (under the round's row lock: see survey.rounds.lifecycle.close_if_due)."""
    session = db.session
    session.rollback()
    lifecycle.close_if_due(session, find_officer_round(session, round_id), now=utcnow())
    session.commit()


def _reader_round(round_id: str) -> Round:
    """404 first. A reader takes no write lock (SQLite) and no row lock."""
    begin_read_only(db.session)
    round_ = find_officer_round(db.session, round_id)
    if lifecycle.due(round_, utcnow()):
        _close_if_due(round_id)
        begin_read_only(db.session)
        round_ = find_officer_round(db.session, round_id)
    return round_


def _writer_round(round_id: str) -> CollectingRound:
    """404 first. Intake and issuance hold the round ``FOR SHARE`` (PostgreSQL) until they
    commit, so close and unseal (``FOR UPDATE``) serialise with them."""
    round_ = find_collecting_round(db.session, round_id, share=True)
    if lifecycle.due(round_, utcnow()):
        _close_if_due(round_id)
        round_ = find_collecting_round(db.session, round_id, share=True)
    return round_


def _round_and_body(
    round_id: str, load: Callable[[str], RoundT]
) -> tuple[RoundT, dict[str, Any] | None]:
    """The body read whole before any database work, then the round; refusals in the order
    of DESIGN.md section 6."""
    body = _read_body()
    round_ = load(round_id)
    if body.refusal is not None:
        raise body.refusal
    return round_, body.parsed


@bp.errorhandler(RateLimited)
def _rate_limited(error: RateLimited) -> tuple[Response, int, dict[str, str]]:
    return jsonify(error=error.code, message=error.message), 429, {"Retry-After": "60"}


@bp.get("/rounds/<round_id>/keys")
def keys(round_id: str) -> Response:
    round_ = _reader_round(round_id)
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
    round_, body = _round_and_body(round_id, _writer_round)
    if body is None and round_.state == "collecting":
        raise Malformed(_("The body must be a JSON object."))
    secret = secret_key_bytes(current_app)
    pending = collecting.issue_token(
        db.session, round_, body or {}, secret, admit=limits.gate("tokens")
    )
    db.session.commit()
    blind_sig = pending.sign(secret)
    return jsonify(blind_sig=b64u_encode(blind_sig)), 200


@bp.post("/rounds/<round_id>/answers")
def answers(round_id: str) -> tuple[Response, int]:
    round_, body = _round_and_body(round_id, _writer_round)
    if body is None and round_.state == "collecting":
        raise Malformed(_("The body must be a JSON object."))
    receipt = collecting.accept_answer(db.session, round_, body or {}, admit=limits.gate("answers"))
    db.session.commit()
    return jsonify(receipt=receipt), 201


@bp.post("/rounds/<round_id>/invitation-status")
def invitation_status(round_id: str) -> tuple[Response, int]:
    """Was this invitation used, and who takes part (after close: whose invitation was used)?"""
    round_, body = _round_and_body(round_id, _reader_round)
    if body is None:
        raise Malformed(_("The body must be a JSON object."))
    secret = secret_key_bytes(current_app)
    reply = participation.invitation_status(db.session, round_, body, secret)
    limits.admit("status")  # a real code: only now does the request count
    return jsonify(reply), 200
