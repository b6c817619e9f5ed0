"""Custodian 2's step of opening a round: receive part 2; the keys are made and collecting starts.

The part page and the opening sheet are shared with custodian 1 (:mod:`survey.custodian`).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.custodian.forms import ConfirmPartForm
from survey.custodian.pages import confirm_part_page, part_page
from survey.extensions import db
from survey.forms import EmptyForm
from survey.round_pages import (
    app_secret,
    attempt_or_flash,
    branch_round,
    signed_in,
)
from survey.rounds import opening
from survey.rounds.clock import utcnow


@bp.get("/rounds/<round_id>/part")
@roles_required("committee")
def receive_part(round_id: str) -> str:
    round_ = branch_round(round_id)
    return render_template("committee/receive_part.html", round=round_, form=EmptyForm())


@bp.post("/rounds/<round_id>/part")
@roles_required("committee")
def create_part2(round_id: str) -> Response:
    round_ = branch_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    part2 = attempt_or_flash(
        opening.receive_part2, db.session, round_, signed_in(), app_secret(), now=utcnow()
    )
    if part2 is None:
        return redirect(url_for("committee.receive_part", round_id=round_id))
    db.session.commit()
    return part_page(round_, part2, 2, ConfirmPartForm())


@bp.post("/rounds/<round_id>/confirm-part")
@roles_required("committee")
def confirm_part2(round_id: str) -> Response:
    message = _("Part 2 confirmed. The round is open and collecting answers.")
    return confirm_part_page(round_id, 2, message)
