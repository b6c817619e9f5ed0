"""The secretary's rounds: the list, new drafts, and editing a draft."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import EmptyForm, attempt
from survey.models import Member, Round, User
from survey.rounds import drafts
from survey.rounds.clock import utcnow
from survey.rounds.labels import POST_LABELS_ZH
from survey.rounds.requirements import required_answers
from survey.secretary.blueprint import bp
from survey.secretary.round_forms import ParticipantsForm, RoundSettingsForm, SectionsForm
from survey.secretary.round_support import (
    branch_round,
    local_to_utc,
    refused,
    signed_in,
    utc_to_local,
)


def _custodian_choices(user: User) -> list[tuple[str, str]]:
    others = db.session.scalars(
        select(User)
        .where(User.branch_id == user.branch_id, User.active.is_(True), User.id != user.id)
        .order_by(User.username)
    ).all()
    return [(u.public_id, u.label) for u in others if u.has_role("committee")]


def _settings_form(user: User, round_: Round | None = None) -> RoundSettingsForm:
    form = RoundSettingsForm(obj=round_) if round_ else RoundSettingsForm()
    form.custodian2.choices = [("", _("Choose…")), *_custodian_choices(user)]
    if round_ is not None and request.method == "GET":
        form.deadline.data = utc_to_local(round_.deadline)
        form.custodian2.data = round_.custodian2.public_id if round_.custodian2 else ""
    elif round_ is None and request.method == "GET" and user.branch is not None:
        suggested = drafts.suggested_second_custodian(db.session, user.branch, user)
        form.custodian2.data = suggested.public_id if suggested else ""
    return form


def _settings_from(form: RoundSettingsForm) -> drafts.DraftSettings:
    second = db.session.scalar(select(User).where(User.public_id == form.custodian2.data))
    return drafts.DraftSettings(
        title=form.title.data or "",
        intro=form.intro.data or "",
        deadline=local_to_utc(form.deadline.data),
        min_answers=int(form.min_answers.data or 0),
        custodian2=second,
    )


@bp.get("/rounds")
@roles_required("secretary")
def rounds() -> str:
    user = signed_in()
    listed = db.session.scalars(
        select(Round).where(Round.branch_id == user.branch_id).order_by(Round.id.desc())
    ).all()
    return render_template("secretary/rounds.html", rounds=listed, form=EmptyForm())


@bp.route("/rounds/new", methods=["GET", "POST"])
@roles_required("secretary")
def new_round() -> str | Response:
    user = signed_in()
    if user.branch is None:
        abort(403)
    form = _settings_form(user)
    if form.validate_on_submit():
        settings = _settings_from(form)
        round_ = attempt(
            form, drafts.create_round, db.session, user.branch, user, settings, now=utcnow()
        )
        if round_ is not None:
            db.session.commit()
            flash(_("Draft created. Check the participants and the form, then open it."), "success")
            return redirect(url_for("secretary.round", round_id=round_.public_id))
    return render_template("secretary/round_new.html", form=form)


@bp.post("/rounds/<round_id>/copy")
@roles_required("secretary")
def copy_round(round_id: str) -> Response:
    source = branch_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    round_ = drafts.copy_round(db.session, source, signed_in(), now=utcnow())
    db.session.commit()
    flash(_("A new draft with the settings of that round was created."), "success")
    return redirect(url_for("secretary.round", round_id=round_.public_id))


@bp.get("/rounds/<round_id>")
@roles_required("secretary")
def round(round_id: str) -> str:
    round_ = branch_round(round_id)
    if round_.state == "draft":
        return _draft_page(round_, _settings_form(signed_in(), round_))
    from survey.secretary.round_dashboard import dashboard_page

    return dashboard_page(round_)


def _draft_page(round_: Round, settings_form: RoundSettingsForm) -> str:
    members = db.session.scalars(
        select(Member)
        .where(Member.branch_id == round_.branch_id, Member.active.is_(True))
        .order_by(Member.name, Member.id)
    ).all()
    participants = ParticipantsForm()
    participants.members.choices = [(m.public_id, _member_label(m)) for m in members]
    participants.members.data = [i.member.public_id for i in round_.invitations]
    return render_template(
        "secretary/round_draft.html",
        round=round_,
        form=settings_form,
        participants=participants,
        sections=SectionsForm(),
        open_form=EmptyForm(),
        required=required_answers(round_),
    )


def _member_label(member: Member) -> str:
    posts = "、".join(POST_LABELS_ZH[p] for p in member.post_names)
    extra = " · ".join(x for x in (member.note, posts) if x)
    return f"{member.name}（{extra}）" if extra else member.name


@bp.post("/rounds/<round_id>/settings")
@roles_required("secretary")
def save_settings(round_id: str) -> str | Response:
    round_ = branch_round(round_id)
    form = _settings_form(signed_in(), round_)
    if form.validate_on_submit() and attempt(
        form, drafts.update_draft, db.session, round_, _settings_from(form)
    ):
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("secretary.round", round_id=round_id))
    return _draft_page(round_, form)


@bp.post("/rounds/<round_id>/participants")
@roles_required("secretary")
def save_participants(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = ParticipantsForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = request.form.getlist("members")
    members = db.session.scalars(
        select(Member).where(Member.public_id.in_(chosen), Member.branch_id == round_.branch_id)
    ).all()
    if len(members) != len(set(chosen)):
        raise InvalidInput(_("Participants must be active members of this branch."))
    if not refused(drafts.set_participants, db.session, round_, members):
        db.session.commit()
        flash(_("Participants saved: %(n)d.", n=len(members)), "success")
    return redirect(url_for("secretary.round", round_id=round_id) + "#participants")


@bp.post("/rounds/<round_id>/sections")
@roles_required("secretary")
def save_sections(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = SectionsForm()
    if not form.validate_on_submit():
        abort(400)
    titles = {
        key.removeprefix("title-"): value
        for key, value in request.form.items()
        if key.startswith("title-")
    }
    if any(len(title) > drafts.MAX_TITLE for title in titles.values()):
        raise InvalidInput(_("A section title has at most %(n)d characters.", n=drafts.MAX_TITLE))
    if not refused(drafts.save_sections, db.session, round_, titles, form.new_title.data or ""):
        db.session.commit()
        flash(_("Form sections saved."), "success")
    return redirect(url_for("secretary.round", round_id=round_id) + "#sections")
