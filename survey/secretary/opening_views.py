"""Step one of opening a round: the secretary, custodian 1, receives part 1 of the opening code.

The part page itself is shared with custodian 2 and lives in :mod:`survey.custodian.pages`.
"""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.custodian.forms import ConfirmPartForm
from survey.custodian.pages import confirm_part_page, part_page
from survey.extensions import db
from survey.forms import EmptyForm
from survey.round_pages import attempt_or_flash, branch_round, signed_in
from survey.rounds import opening
from survey.rounds.clock import utcnow
from survey.secretary.blueprint import bp


@bp.post("/rounds/<round_id>/open")
@roles_required("secretary")
def open_round(round_id: str) -> Response:
    round_ = branch_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    part1 = attempt_or_flash(opening.start_opening, db.session, round_, signed_in(), now=utcnow())
    if part1 is None:
        return redirect(url_for("secretary.round", round_id=round_id))
    db.session.commit()
    return part_page(round_, part1, 1, ConfirmPartForm())


@bp.post("/rounds/<round_id>/confirm-part")
@roles_required("secretary")
def confirm_part1(round_id: str) -> Response:
    message = _(
        "Part 1 confirmed. Print your opening sheet and copy your part onto it; the round now"
        " waits for the second custodian."
    )
    return confirm_part_page(round_id, 1, message)
