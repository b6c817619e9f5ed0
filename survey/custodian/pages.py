"""The part page of opening, shared by custodian 1 (secretary's side) and custodian 2 (committee's
side): a part is shown once, never cached, and typed again to prove it was written down."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from werkzeug.wrappers import Response

from survey.custodian.forms import ConfirmPartForm
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Round
from survey.round_pages import attempt_or_flash, branch_round, signed_in
from survey.rounds import opening
from survey.rounds.clock import utcnow


def part_page(round_: Round, part: str | None, number: int, form: ConfirmPartForm) -> Response:
    """The page that shows a part once (never cached) and asks for it to be typed again."""
    response = make_response(
        render_template(
            "custodian/opening_part.html",
            round=round_,
            part=part,
            number=number,
            form=form,
            restart_form=EmptyForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def confirm_part_page(round_id: str, number: int, done_message: str) -> Response:
    """Check a re-typed part; on success go to the opening sheet, else show the form again."""
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
            return redirect(url_for("custodian.opening_sheet", round_id=round_id))
    return part_page(round_, None, number, form)
