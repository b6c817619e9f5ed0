"""Custodians' own pages: the opening sheet and giving one's part to unseal, in one's own login.

Both custodians reach these pages, whatever their roles: custodian 1 is usually the secretary,
custodian 2 a committee member (DESIGN.md section 3, "One person, two parts").
"""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import login_id, login_required
from survey.auth.device import browser_id
from survey.custodian.forms import UnsealPartForm
from survey.custodian.tasks import custodian_tasks, unseal_status
from survey.extensions import db
from survey.forms import EmptyForm, attempt
from survey.models import Round
from survey.round_pages import app_secret, branch_round, signed_in
from survey.rounds.clock import utcnow
from survey.rounds.display import localtime
from survey.rounds.unseal_parts import (
    Waiting,
    custodian_number,
    give_unseal_part,
    withdraw_unseal_part,
)
from survey.unseal_pages import rewrite_after_commit, unsealed_message

bp = Blueprint("custodian", __name__, url_prefix="/custodian")


def custodian_round(round_id: str) -> tuple[Round, int]:
    """A round of the user's branch for which they hold a part (403 for anyone else)."""
    round_ = branch_round(round_id)
    return round_, custodian_number(round_, signed_in())


@bp.get("/rounds/<round_id>/opening-sheet")
@login_required
def opening_sheet(round_id: str) -> Response:
    """A printable sheet for a custodian: title, date, fingerprint, a box for their part."""
    round_, number = custodian_round(round_id)
    response = make_response(
        render_template("custodian/opening_sheet.html", round=round_, number=number)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<round_id>/unseal")
@login_required
def unseal_part(round_id: str) -> Response:
    round_, number = custodian_round(round_id)
    return _part_page(round_, number, UnsealPartForm())


@bp.post("/rounds/<round_id>/unseal")
@login_required
def give_part(round_id: str) -> Response:
    """Keep the first part, or open the answers with the second."""
    round_, number = custodian_round(round_id)
    form = UnsealPartForm()
    if form.validate_on_submit():
        given = attempt(
            form,
            give_unseal_part,
            db.session,
            round_,
            signed_in(),
            form.typed.data or "",
            app_secret(),
            login_id=login_id(),
            now=utcnow(),
            ttl=timedelta(minutes=int(current_app.config["UNSEAL_PART_MINUTES"])),
            browser_id=browser_id(),
        )
        if isinstance(given, Waiting):
            db.session.commit()
            flash(
                _(
                    "Your part is kept, encrypted, until %(time)s. The other custodian now gives"
                    " theirs, logged in as themselves on their own device.",
                    time=localtime(given.expires_at),
                ),
                "success",
            )
            return redirect(url_for("custodian.unseal_part", round_id=round_id))
        if given is not None:
            db.session.commit()
            if rewrite_after_commit():
                flash(unsealed_message(given), "success")
            return redirect(url_for("committee.round_summary", round_id=round_id))
    return _part_page(round_, number, form, 400)


@bp.post("/rounds/<round_id>/withdraw")
@login_required
def withdraw_part(round_id: str) -> Response:
    round_, _number = custodian_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if withdraw_unseal_part(db.session, round_, signed_in(), now=utcnow()):
        db.session.commit()
        flash(_("Your part was withdrawn and is no longer kept."), "info")
    return redirect(url_for("custodian.unseal_part", round_id=round_id))


def _part_page(round_: Round, number: int, form: UnsealPartForm, status: int = 200) -> Response:
    response = make_response(
        render_template(
            "custodian/unseal_part.html",
            round=round_,
            number=number,
            form=form,
            status=unseal_status(round_, signed_in()),
            withdraw_form=EmptyForm(),
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def custodian_helpers() -> dict[str, object]:
    """``custodian_tasks()`` for the landing page, ``unseal_status(round)`` for round pages."""
    return {"custodian_tasks": custodian_tasks, "unseal_status": unseal_status}
