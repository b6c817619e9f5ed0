"""Closing and discarding a round: each asks first, on a page saying what cannot be undone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.extensions import db
from survey.forms import EmptyForm
from survey.round_pages import branch_round, refused, signed_in
from survey.rounds import invitations, lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.requirements import current_invitations, required_answers
from survey.secretary.blueprint import bp
from survey.unseal_pages import rewrite_now


@bp.get("/rounds/<round_id>/close")
@roles_required("secretary")
def confirm_close(round_id: str) -> str | Response:
    round_ = branch_round(round_id)
    if round_.state != "collecting":
        return redirect(url_for("secretary.round", round_id=round_id))
    current = current_invitations(round_)
    return render_template(
        "secretary/confirm_close.html",
        round=round_,
        action="close",
        unused=sum(1 for i in current if not i.used),
        participants=len(current),
        form=EmptyForm(),
    )


@bp.post("/rounds/<round_id>/close")
@roles_required("secretary")
def close(round_id: str) -> Response:
    round_ = branch_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not refused(lifecycle.close_round, db.session, round_, signed_in(), now=utcnow()):
        db.session.commit()
        flash(
            _("The round is closed. Its token key was destroyed; no more answers can arrive."),
            "success",
        )
    return redirect(url_for("secretary.round", round_id=round_id))


@bp.get("/rounds/<round_id>/discard")
@roles_required("secretary")
def confirm_discard(round_id: str) -> str | Response:
    round_ = branch_round(round_id)
    if not lifecycle.below_minimum(round_):
        return redirect(url_for("secretary.round", round_id=round_id))
    return render_template(
        "secretary/confirm_close.html",
        round=round_,
        action="discard",
        used=invitations.used_count(round_),
        required=required_answers(round_),
        form=EmptyForm(),
    )


@bp.post("/rounds/<round_id>/discard")
@roles_required("secretary")
def discard(round_id: str) -> Response:
    round_ = branch_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not refused(lifecycle.discard_round, db.session, round_, signed_in(), now=utcnow()):
        db.session.commit()
        if storage_rewritten():
            flash(_("The round was discarded and its sealed answers wiped."), "success")
    return redirect(url_for("secretary.round", round_id=round_id))


def storage_rewritten() -> bool:
    """Rewrite the storage after the discard (survey/rounds/storage.py); False when it failed."""
    return rewrite_now(
        _(
            "The round was discarded, but the database storage could not be rewritten yet,"
            " so traces of its sealed answers may remain in the database files. Use"
            " “Rewrite the storage now” on the round's summary page in a moment."
        )
    )
