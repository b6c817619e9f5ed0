"""The administrator's settings for meeting topics: a branch's rules, a superior's branches.

Set by the administrator rather than the committee, so the rules that decide when topics may be
finalised are not changed by those who finalise them.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectChoice, SelectField

from survey.admin.views import bp
from survey.auth import services
from survey.auth.decorators import roles_required
from survey.errors import NotFound
from survey.extensions import db
from survey.forms import Form, MultiCheckboxField, attempt
from survey.models import Branch
from survey.topics import superior

MODE_LABELS = {
    "strict": _l("Only when no objection is left (default)"),
    "explained": _l("Also when every objection is answered by an explanation (说明)"),
}


class TopicRulesForm(Form):
    reported = BooleanField(_l("Report topics to the superior Party organisation"))
    final_mode = SelectField(
        _l("Topics may be finalised"),
        choices=[SelectChoice(key, label) for key, label in MODE_LABELS.items()],
    )


class SupervisedForm(Form):
    branches = MultiCheckboxField(_l("Branches this account supervises"), choices=[])


def _branch(public_id: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.public_id == public_id))
    if branch is None:
        raise NotFound(_("No such branch."))
    return branch


@bp.route("/branches/<public_id>/topics", methods=["GET", "POST"])
@roles_required("admin")
def branch_topics(public_id: str) -> Response | str:
    branch = _branch(public_id)
    form = TopicRulesForm()
    if request.method == "GET":
        form.reported.data = branch.topics_reported
        form.final_mode.data = branch.topics_final_mode
    if form.validate_on_submit():
        done = attempt(
            form,
            superior.set_topic_rules,
            db.session,
            branch,
            reported=bool(form.reported.data),
            final_mode=form.final_mode.data,
        )
        if done is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/branch_topics.html", branch=branch, form=form)


@bp.route("/users/<public_id>/supervised", methods=["GET", "POST"])
@roles_required("admin")
def user_supervised(public_id: str) -> Response | str:
    user = services.get_user_by_public_id(db.session, public_id)
    branches = services.list_branches(db.session)
    form = SupervisedForm()
    if request.method == "GET":  # an empty POST must not fall back to the current list
        form.branches.data = [b.public_id for b in user.supervised]
    form.branches.choices = [SelectChoice(b.public_id, b.name) for b in branches]
    if form.validate_on_submit():
        chosen = [b for b in branches if b.public_id in (form.branches.data or [])]
        done = attempt(form, superior.set_supervised, db.session, user, chosen)
        if done is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/user_supervised.html", user=user, form=form)
