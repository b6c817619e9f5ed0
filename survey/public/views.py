"""Pages anyone may open: the home page and the receipts board."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from survey.extensions import db
from survey.rounds.board import receipts
from survey.rounds.clock import utcnow
from survey.rounds.queries import find_public_round

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    return render_template("public/home.html")


@bp.get("/r/<round_id>/board")
def board(round_id: str) -> Response:
    """Plain text, one receipt per line, sorted (DESIGN.md section 6)."""
    round_, closed_now = find_public_round(db.session, round_id, now=utcnow())
    if closed_now:
        db.session.commit()
    lines = receipts(db.session, round_)
    return Response(
        "".join(line + "\n" for line in lines),
        mimetype="text/plain",
        headers={"Cache-Control": "no-cache"},
    )
