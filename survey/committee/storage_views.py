"""The storage rewrite after unseal and discard, run again by hand (survey/rounds/storage.py).

Every view that commits an unseal or a discard rewrites the storage right after its commit
(survey/unseal_pages.py for unseals): success is reported only once the rewrite has finished. When
it fails, the round stays marked; its page says so and offers the button that runs
:func:`rewrite_storage` here (the same as ``survey round rewrite-storage``).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.extensions import db
from survey.forms import EmptyForm
from survey.round_pages import branch_round
from survey.rounds import storage


@bp.post("/rounds/<round_id>/rewrite-storage")
@roles_required("committee")
def rewrite_storage(round_id: str) -> Response:
    branch_round(round_id)  # the user's own branch, or 404
    if not EmptyForm().validate_on_submit():
        abort(400)
    timeout = float(current_app.config["STORAGE_REWRITE_TIMEOUT"])
    try:
        storage.rewrite_after_commit(db.session, db.engine, timeout=timeout)
    except storage.StorageNotRewritten as error:
        current_app.logger.error("storage not rewritten: %s", error)
        flash(
            _(
                "The storage could not be rewritten: another connection was still reading the"
                " database. Try again in a moment."
            ),
            "error",
        )
    else:
        flash(
            _("The storage was rewritten: no sealed bytes and no arrival order remain in it."),
            "success",
        )
    return redirect(url_for("committee.round_summary", round_id=round_id))
