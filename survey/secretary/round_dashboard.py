"""The secretary's dashboard of an opened round, and what can still change while collecting.

While collecting it shows who has used their invitation (for reminders) and never how many
answers arrived (DESIGN.md section 3).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Invitation, Member, Round
from survey.roster.vocabulary import name_key
from survey.round_pages import (
    app_secret,
    branch_round,
    local_to_utc,
    refused,
    signed_in,
)
from survey.rounds import categories, drafts, invitations, lifecycle
from survey.rounds.clock import to_local, utcnow
from survey.rounds.requirements import (
    current_invitations,
    load_participants,
    required_answers,
)
from survey.secretary.blueprint import bp
from survey.secretary.round_forms import (
    AddParticipantForm,
    CategoriesForm,
    ExtendForm,
    IntroForm,
    ReissueForm,
    ShowCodesForm,
    fill_categories,
)


def dashboard_page(round_: Round) -> str:
    """Everything about an opened round that the secretary may see in its current state."""
    load_participants(round_)
    current = sorted(current_invitations(round_), key=lambda i: (name_key(i.member.name), i.id))
    show = request.args.get("show", "all")
    listed = [i for i in current if show != "unused" or not i.used]
    add_form = AddParticipantForm()
    add_form.member.choices = _late_candidates(round_)
    extend_form = ExtendForm()
    return render_template(
        "secretary/round_dashboard.html",
        round=round_,
        sheet_number=_sheet_number(round_),
        invitations=listed,
        show=show,
        used=invitations.used_count(round_),
        participants=len(current),
        reissues=invitations.reissue_count(round_),
        shown_again=invitations.shown_again_count(round_),
        not_handed_out=sum(1 for i in current if i.times_shown == 0),
        show_form=ShowCodesForm(),
        required=required_answers(round_),
        time_left=_time_left(round_),
        deadline_local=to_local(round_.deadline, current_app.config["TIMEZONE"])
        if round_.deadline
        else None,
        below_minimum=lifecycle.below_minimum(round_),
        reissue_form=ReissueForm(),
        add_form=add_form,
        extend_form=extend_form,
        intro_form=IntroForm(intro=round_.intro),
        categories_form=_categories_form(round_),
        category_names=categories.category_names(round_),
        form=EmptyForm(),
    )


def _sheet_number(round_: Round) -> int | None:
    """The signed-in user's custodian number while their opening sheet is worth printing:
    from part 1 on (the fingerprint appears once the round is open) until the answers are
    unsealed."""
    user = signed_in()
    number = {round_.custodian1_id: 1, round_.custodian2_id: 2}.get(user.id)
    started = round_.state in ("collecting", "closed") or (
        round_.state == "opening" and round_.part1_confirmed
    )
    return number if started else None


def _categories_form(round_: Round) -> CategoriesForm | None:
    """The categories as stored, while they can still change (until unseal)."""
    if round_.kind != "answers" or round_.state not in categories.EDITABLE_STATES:
        return None
    form = CategoriesForm()
    fill_categories(form, round_)
    return form


def _late_candidates(round_: Round) -> list[tuple[str, str]]:
    present = {i.member_id for i in current_invitations(round_)}
    members = sorted(
        db.session.scalars(
            select(Member).where(Member.branch_id == round_.branch_id, Member.active.is_(True))
        ),
        key=lambda m: (name_key(m.name), m.id),
    )
    return [
        (m.public_id, m.name + (f"（{m.note}）" if m.note else ""))
        for m in members
        if m.id not in present
    ]


def _time_left(round_: Round) -> tuple[int, int] | None:
    """(days, hours) until the deadline, or None without one."""
    if round_.deadline is None or round_.state != "collecting":
        return None
    seconds = max(0, int((round_.deadline - utcnow()).total_seconds()))
    return seconds // 86400, (seconds % 86400) // 3600


def _back(round_id: str, anchor: str = "") -> Response:
    return redirect(url_for("secretary.round", round_id=round_id) + anchor)


@bp.post("/rounds/<round_id>/reissue")
@roles_required("secretary")
def reissue(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Give a reason for the reissue."))
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.public_id == form.invitation.data, Invitation.round_id == round_.id
        )
    )
    if invitation is None:
        abort(404)
    if not refused(
        invitations.reissue_invitation,
        db.session,
        invitation,
        signed_in(),
        form.reason.data or "",
        app_secret(),
        now=utcnow(),
    ):
        db.session.commit()
        flash(
            _(
                "A new invitation was made for %(name)s. Print their new slip.",
                name=invitation.member.name,
            ),
            "success",
        )
    return _back(round_id, "#participants")


@bp.post("/rounds/<round_id>/participants/add")
@roles_required("secretary")
def add_participant(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = AddParticipantForm()
    form.member.choices = _late_candidates(round_)
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose a member to add."))
    member = db.session.scalar(select(Member).where(Member.public_id == form.member.data))
    if member is None:
        abort(404)
    if not refused(
        invitations.add_participant,
        db.session,
        round_,
        member,
        signed_in(),
        app_secret(),
        now=utcnow(),
    ):
        db.session.commit()
        flash(_("%(name)s was added. Print their slip.", name=member.name), "success")
    return _back(round_id, "#participants")


@bp.post("/rounds/<round_id>/extend")
@roles_required("secretary")
def extend(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("That is not a valid date and time."))
    deadline = local_to_utc(form.deadline.data)
    if not refused(
        lifecycle.extend_deadline, db.session, round_, signed_in(), deadline, now=utcnow()
    ):
        db.session.commit()
        flash(_("Deadline changed."), "success")
    return _back(round_id)


@bp.post("/rounds/<round_id>/intro")
@roles_required("secretary")
def edit_intro(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = IntroForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("The text has at most %(n)d characters.", n=drafts.MAX_INTRO))
    if not refused(
        drafts.edit_intro, db.session, round_, signed_in(), form.intro.data or "", now=utcnow()
    ):
        db.session.commit()
        flash(_("The text for officers was changed; the change is in the round log."), "success")
    return _back(round_id, "#intro")


@bp.post("/rounds/<round_id>/categories")
@roles_required("secretary")
def edit_categories(round_id: str) -> Response:
    round_ = branch_round(round_id)
    form = CategoriesForm()
    choice = form.category_choice()
    if not form.validate_on_submit() or choice is None:
        raise InvalidInput(
            _("Choose a set of categories; your own lines have at most 4000 characters.")
        )
    saved = not refused(
        categories.set_categories,
        db.session,
        round_,
        choice,
        actor=signed_in(),
        now=utcnow(),
    )
    if saved:
        db.session.commit()
        flash(_("The categories were saved; a change is in the round log."), "success")
    return _back(round_id, "#categories")


@bp.get("/rounds/<round_id>/log")
@roles_required("secretary", "committee")
def round_log(round_id: str) -> str:
    round_ = branch_round(round_id)
    return render_template(
        "secretary/round_log.html",
        round=round_,
        events=round_.events,
        reissues=invitations.reissue_count(round_),
        shown_again=invitations.shown_again_count(round_),
    )
