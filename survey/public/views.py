"""Pages anyone may open: the home page and the receipts board (for programs and for people)."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

from survey.extensions import db
from survey.models import Round
from survey.rounds.board import BOARD_STATES, receipts
from survey.rounds.clock import utcnow
from survey.rounds.display import localtime
from survey.rounds.queries import find_public_round

bp = Blueprint("public", __name__)

# The part of a receipt the officer's phone shows: 16 hex digits, in groups of four.
SHORT_RECEIPT = 16


@bp.get("/")
def home() -> str:
    return render_template("public/home.html")


def _public_round(round_id: str) -> Round:
    """The round, closed first if its deadline passed (committed at once: a lazy close)."""
    round_, closed_now = find_public_round(db.session, round_id, now=utcnow())
    if closed_now:
        db.session.commit()
    return round_


@bp.get("/r/<round_id>/board")
def board(round_id: str) -> Response:
    """Plain text, one receipt per line, sorted (DESIGN.md section 6)."""
    lines = receipts(db.session, _public_round(round_id))
    return Response(
        "".join(line + "\n" for line in lines),
        mimetype="text/plain",
        headers={"Cache-Control": "no-cache"},
    )


@bp.get("/r/<round_id>")
def board_page(round_id: str) -> Response:
    """The same board for people: titled, and before close it says when it will be published.

    While the round collects it shows nothing but the title and the deadline (no count).
    """
    round_ = _public_round(round_id)
    published = round_.state in BOARD_STATES
    response = make_response(
        render_template(
            "public/board.html",
            round=round_,
            published=published,
            receipts=receipts(db.session, round_) if published else [],
            short=SHORT_RECEIPT,
            deadline=localtime(round_.deadline) if round_.deadline else None,
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    return response
