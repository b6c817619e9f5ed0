"""Officers' pages: the invitation page and the answer page. No session, no cookie.

Both pages are static shells, the same for every officer: everything personal stays in the
browser (the invitation code in the URL fragment, the token in ``localStorage``), and round data
comes from the JSON API. The views never touch the session (and survey.security ignores any
staff cookie sent to these paths), so no response sets a cookie; they read nothing from the
database, so the page says nothing about who opens it.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, make_response, render_template

bp = Blueprint("officer", __name__)

# Round ids are random lowercase letters and digits (DESIGN.md section 6).
ROUND_ID = re.compile(r"[a-z0-9]{1,32}")


def _page(template: str) -> Response:
    """Render an officer page; never cached, so a closed round's page is never replayed."""
    response = make_response(render_template(template))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/i")
def invite() -> Response:
    """The invitation page: reads round, code and fingerprint from the fragment."""
    return _page("officer/invite.html")


@bp.get("/a/<round_id>")
def answer(round_id: str) -> Response:
    """The answer page of a round; the round itself is loaded through the API."""
    if not ROUND_ID.fullmatch(round_id):
        abort(404)
    return _page("officer/answer.html")


@bp.get("/how")
def how() -> Response:
    """How the answer stays anonymous, step by step (linked from the answer page)."""
    return _page("officer/how.html")


@bp.get("/consultation-parts")
def consultation_parts() -> Response:
    """The consultation's views and messages, inserted by the answer page when it needs them."""
    return _page("officer/consult_parts.html")
