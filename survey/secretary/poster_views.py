"""The notice-board poster (公告栏): what the round is, until when, and how anonymity works.

It holds no invitation code, so it is an ordinary page; its QR code leads to the page where a
code from a slip can be typed, and its fingerprint lets anyone check that the answer page talks
to this round's keys (DESIGN.md section 3, "Key consistency").
"""

from __future__ import annotations

import segno
from flask import abort, render_template
from markupsafe import Markup

from survey.auth.decorators import roles_required
from survey.links import public_url
from survey.round_pages import branch_round
from survey.rounds.requirements import current_invitations, required_answers
from survey.secretary.blueprint import bp
from survey.secretary.invitation_views import local_deadline, typing_address


@bp.get("/rounds/<round_id>/poster")
@roles_required("secretary")
def poster(round_id: str) -> str:
    round_ = branch_round(round_id)
    if round_.state != "collecting" or not round_.fingerprint:
        abort(404)
    address = typing_address(public_url(), round_)
    qr = segno.make(address, error="m").svg_inline(scale=4, omitsize=True)
    fingerprint = round_.fingerprint
    return render_template(
        "secretary/poster.html",
        round=round_,
        address=address,
        qr=Markup(qr),  # noqa: S704 - SVG made by segno from our own address
        deadline=local_deadline(round_),
        fingerprint=" ".join(fingerprint[i : i + 4] for i in range(0, 16, 4)),
        participants=len(current_invitations(round_)),
        required=required_answers(round_),
    )
