"""The secretary's rounds: the list, new drafts, and editing a draft."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import EmptyForm, attempt
from survey.models import Member, Round, User
from survey.roster.vocabulary import name_key
from survey.round_pages import (
    branch_round,
    local_to_utc,
    signed_in,
    utc_to_local,
)
from survey.rounds import drafts
from survey.rounds.clock import to_local, utcnow
from survey.rounds.labels import POST_LABELS_ZH
from survey.rounds.requirements import current_invitations, required_answers
from survey.secretary.blueprint import bp
from survey.secretary.round_forms import (
    CategoriesForm,
    DraftForm,
    RoundSettingsForm,
    fill_categories,
)

F = TypeVar("F", bound=RoundSettingsForm)


def _custodian_choices(user: User) -> list[tuple[str, str]]:
    others = db.session.scalars(
        select(User)
        .where(User.branch_id == user.branch_id, User.active.is_(True), User.id != user.id)
        .order_by(User.username)
    ).all()
    return [(u.public_id, u.label) for u in others if u.has_role("committee")]


def _settings_form(
    user: User, round_: Round | None = None, form_class: type[F] = RoundSettingsForm
) -> F:
    form = form_class(obj=round_) if round_ else form_class()
    form.custodian2.choices = [("", _("Choose…")), *_custodian_choices(user)]
    if round_ is not None and request.method == "GET":
        form.deadline.data = utc_to_local(round_.deadline)
        form.custodian2.data = round_.custodian2.public_id if round_.custodian2 else ""
        if isinstance(form, CategoriesForm):
            fill_categories(form, round_)
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
    form: RoundSettingsForm = _settings_form(user)
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
    if round_.state == "draft" and round_.kind == "consultation":
        return _consultation_draft_page(round_)
    if round_.state == "draft":
        return _draft_page(round_, _settings_form(signed_in(), round_, DraftForm))
    from survey.secretary.round_dashboard import dashboard_page

    return dashboard_page(round_)


def _draft_page(round_: Round, form: DraftForm, *, posted: bool = False) -> str:
    """The draft in one form; after a refusal it shows what was sent, so no edit is lost."""
    members = sorted(
        db.session.scalars(
            select(Member).where(Member.branch_id == round_.branch_id, Member.active.is_(True))
        ),
        key=lambda m: (name_key(m.name), m.id),
    )
    form.members.choices = [(m.public_id, _member_label(m)) for m in members]
    if not posted:
        form.members.data = [i.member.public_id for i in round_.invitations]
    return render_template(
        "secretary/round_draft.html",
        round=round_,
        form=form,
        sections=_section_rows(round_, posted),
        chosen=len(form.members.data or []),
        open_form=EmptyForm(),
        required=required_answers(round_),
    )


def _consultation_draft_page(round_: Round) -> str:
    """A consultation before it opens: its facts and the card that opens it, no draft form
    (its participants, custodians and minimum come from its round)."""
    return render_template(
        "secretary/consultation_draft.html",
        round=round_,
        participants=len(current_invitations(round_)),
        required=required_answers(round_),
        deadline_local=to_local(round_.deadline, current_app.config["TIMEZONE"])
        if round_.deadline
        else None,
        open_form=EmptyForm(),
    )


def _section_rows(round_: Round, posted: bool) -> list[dict[str, str]]:
    """The sections as stored, or (after a refusal) in the order and with the titles sent."""
    stored = [{"key": s.key, "title": s.title} for s in round_.sections]
    if not posted:
        return stored
    known = {row["key"] for row in stored}
    keys = [k for k in request.form.getlist("order") if k in known]
    keys += [row["key"] for row in stored if row["key"] not in keys]
    titles = {row["key"]: row["title"] for row in stored}
    return [{"key": k, "title": request.form.get("title-" + k, titles[k])} for k in keys]


def _member_label(member: Member) -> str:
    posts = "、".join(POST_LABELS_ZH[p] for p in member.post_names)
    extra = " · ".join(x for x in (member.note, posts) if x)
    return f"{member.name}（{extra}）" if extra else member.name


def _draft_edit(form: DraftForm) -> drafts.DraftEdit:
    titles = {
        key.removeprefix("title-"): value
        for key, value in request.form.items()
        if key.startswith("title-")
    }
    if any(len(title) > drafts.MAX_TITLE for title in titles.values()):
        raise InvalidInput(_("A section title has at most %(n)d characters.", n=drafts.MAX_TITLE))
    key, _sep, way = (request.form.get("move") or "").partition(":")
    if key and way not in ("up", "down"):
        raise InvalidInput(_("The form's sections changed meanwhile: reload the page."))
    return drafts.DraftEdit(
        settings=_settings_from(form),
        member_ids=request.form.getlist("members"),
        titles=titles,
        order=request.form.getlist("order"),
        new_title=form.new_title.data or "",
        move=(key, -1 if way == "up" else 1) if key else None,
        categories=form.category_choice(),
    )


@bp.post("/rounds/<round_id>/draft")
@roles_required("secretary")
def save_draft(round_id: str) -> str | Response:
    """Settings, participants and sections are saved together by one button."""
    round_ = branch_round(round_id)
    drafts.require_draft(round_)
    form = _settings_form(signed_in(), round_, DraftForm)
    if form.validate_on_submit() and attempt(
        form, drafts.save_draft, db.session, round_, _draft_edit(form)
    ):
        db.session.commit()
        moved = bool(request.form.get("move"))
        flash(_("Draft saved."), "success")
        anchor = "#sections" if moved or form.new_title.data else ""
        return redirect(url_for("secretary.round", round_id=round_id) + anchor)
    return _draft_page(branch_round(round_id), form, posted=True)
