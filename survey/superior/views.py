"""The superior's blueprint: the topic lists and consultation records its branches report.

It shows only what the committee reports (topics, counts, objections and dispositions), never
opinion items or answers, and records the reply: 同意 or changes asked (logged; a change becomes
the next version).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import current_user, roles_required
from survey.extensions import db
from survey.forms import attempt
from survey.models import User
from survey.rounds.clock import utcnow
from survey.superior.forms import ReplyForm
from survey.topics import superior
from survey.topics.labels import decision_label, disposition_label
from survey.topics.record import build_record

bp = Blueprint("superior", __name__, url_prefix="/superior")


def _user() -> User:
    user = current_user()
    assert user is not None, "guarded by roles_required"
    return user


@bp.get("/")
@roles_required("superior")
def reports() -> str:
    user = _user()
    return render_template(
        "superior/reports.html",
        versions=superior.supervised_versions(db.session, user),
        branches=user.supervised,
        decision_label=decision_label,
    )


def _report_page(public_id: str, form: ReplyForm) -> str:
    version = superior.reported_version(db.session, _user(), public_id)
    record = build_record(db.session, version.round)
    return render_template(
        "superior/report.html",
        version=version,
        record=record,
        shown=[v for v in record.published if v.number <= version.number],
        form=form,
        decision_label=decision_label,
        disposition_label=disposition_label,
    )


@bp.get("/reports/<public_id>")
@roles_required("superior")
def report(public_id: str) -> str:
    return _report_page(public_id, ReplyForm())


@bp.post("/reports/<public_id>/reply")
@roles_required("superior")
def reply(public_id: str) -> Response | str:
    version = superior.reported_version(db.session, _user(), public_id)
    form = ReplyForm()
    if form.validate_on_submit():
        done = attempt(
            form,
            superior.reply,
            db.session,
            version,
            _user(),
            form.decision.data or "",
            form.text.data or "",
            now=utcnow(),
        )
        if done is not None:
            db.session.commit()
            flash(_("Your reply was recorded."), "success")
            return redirect(url_for("superior.report", public_id=public_id))
    return _report_page(public_id, form)
