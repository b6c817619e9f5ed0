"""The storage rewrite after unseal and discard, as the web runs it (survey/rounds/storage.py).

Every view that commits an unseal or a discard calls :func:`rewrite_after_commit` right after its
commit: success is reported only once the rewrite has finished. When it fails, the round stays
marked; its page says so and offers the button that runs :func:`retry` (the same as
``survey round rewrite-storage``).
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


def rewrite_after_commit() -> bool:
    """Rewrite the storage now; False (after flashing why and what to do) when it failed."""
    try:
        report = storage.rewrite_if_enabled(db.session, db.engine, current_app.config)
    except storage.StorageNotRewritten as error:
        current_app.logger.error("storage not rewritten: %s", error)
        flash(
            _(
                "The database storage could not be rewritten yet (another connection was still"
                " reading it), so traces of the sealed answers may remain in the database files."
                " Use “Rewrite the storage now” on the round's page in a moment."
            ),
            "error",
        )
        return False
    for note in report.notes if report else ():
        current_app.logger.warning("storage rewrite: %s", note)
    return True


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
