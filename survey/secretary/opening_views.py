"""Step one of opening a round: the secretary, custodian 1, receives part 1 of the opening code."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.extensions import db
from survey.forms import EmptyForm
from survey.rounds import opening
from survey.rounds.clock import utcnow
from survey.secretary.blueprint import bp
from survey.secretary.round_forms import ConfirmPartForm
from survey.secretary.round_support import attempt_or_flash, branch_round, signed_in


def part_page(round_: object, part: str | None, number: int, form: ConfirmPartForm) -> Response:
    """The page that shows a part once (never cached) and asks for it to be typed again."""
    response = make_response(
        render_template(
            "secretary/opening_part.html",
            round=round_,
            part=part,
            number=number,
            form=form,
            restart_form=EmptyForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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


def confirm_part_page(
    round_id: str, number: int, done_endpoint: str, done_message: str
) -> Response:
    """Check a re-typed part; on success go on, else show the form again (never the part)."""
    round_ = branch_round(round_id)
    form = ConfirmPartForm()
    if form.validate_on_submit():
        confirmed = attempt_or_flash(
            opening.confirm_part,
            db.session,
            round_,
            signed_in(),
            number,
            form.typed.data or "",
            now=utcnow(),
        )
        if confirmed is not None:
            db.session.commit()
            flash(done_message, "success")
            return redirect(url_for(done_endpoint, round_id=round_id))
    return part_page(round_, None, number, form)


@bp.post("/rounds/<round_id>/confirm-part")
@roles_required("secretary")
def confirm_part1(round_id: str) -> Response:
    message = _("Part 1 confirmed. The round now waits for the second custodian.")
    return confirm_part_page(round_id, 1, "secretary.round", message)
