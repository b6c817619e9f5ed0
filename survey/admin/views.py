"""The administrator's pages: branches and staff accounts (create, reset password, deactivate)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.admin.forms import (
    ROLE_LABELS,
    AccountForm,
    BranchForm,
    ResetPasswordForm,
    UserForm,
)
from survey.auth import services
from survey.auth.decorators import current_user, roles_required
from survey.extensions import db
from survey.forms import EmptyForm, attempt
from survey.models import Member, User
from survey.roster.services import list_members
from survey.rounds.clock import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@roles_required("admin")
def index() -> str:
    return render_template(
        "admin/index.html",
        branches=services.list_branches(db.session),
        users=services.list_users(db.session),
        role_labels=ROLE_LABELS,
        action_form=EmptyForm(),
        me=current_user(),
    )


@bp.route("/branches/new", methods=["GET", "POST"])
@roles_required("admin")
def branch_new() -> Response | str:
    form = BranchForm()
    if form.validate_on_submit():
        branch = attempt(form, services.create_branch, db.session, form.slug.data, form.name.data)
        if branch is not None:
            db.session.commit()
            flash(_("Branch %(name)s created.", name=branch.name), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/branch_new.html", form=form)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def user_new() -> Response | str:
    branches = services.list_branches(db.session)
    form = UserForm(branches=[(b.public_id, f"{b.name} ({b.slug})") for b in branches])
    if form.validate_on_submit():
        branch = next((b for b in branches if b.public_id == form.branch.data), None)
        user = attempt(
            form,
            services.create_user,
            db.session,
            form.username.data or "",
            form.password.data or "",
            form.roles.data or (),
            branch=branch,
            display_name=form.display_name.data or "",
        )
        if user is not None:
            db.session.commit()
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<public_id>/password", methods=["GET", "POST"])
@roles_required("admin")
def user_password(public_id: str) -> Response | str:
    user = services.get_user_by_public_id(db.session, public_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        done = attempt(
            form,
            services.reset_password,
            db.session,
            user,
            form.password.data or "",
            actor=current_user(),
            now=utcnow(),
        )
        if done is not None:
            db.session.commit()
            flash(_("New password set for %(username)s.", username=user.username), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/user_password.html", form=form, user=user)


@bp.post("/users/<public_id>/deactivate")
@roles_required("admin")
def user_deactivate(public_id: str) -> Response:
    user = services.get_user_by_public_id(db.session, public_id)
    if EmptyForm().validate_on_submit():
        services.set_user_active(db.session, user, False, actor=current_user(), now=utcnow())
        db.session.commit()
        flash(_("Account %(username)s deactivated.", username=user.username), "info")
    return redirect(url_for("admin.index"))


@bp.post("/users/<public_id>/activate")
@roles_required("admin")
def user_activate(public_id: str) -> Response:
    user = services.get_user_by_public_id(db.session, public_id)
    if EmptyForm().validate_on_submit():
        services.set_user_active(db.session, user, True, actor=current_user(), now=utcnow())
        db.session.commit()
        flash(_("Account %(username)s is active again.", username=user.username), "success")
    return redirect(url_for("admin.index"))


def _branch_members(user: User) -> list[Member]:
    return list_members(db.session, user.branch) if user.branch is not None else []


@bp.route("/users/<public_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def user_edit(public_id: str) -> Response | str:
    """Name, roles and roster member; a change to a custodian is seen by them and the committee."""
    user = services.get_user_by_public_id(db.session, public_id)
    members = [m for m in _branch_members(user) if m.active or m.id == user.member_id]
    labels = [(m.public_id, f"{m.name} ({m.note})" if m.note else m.name) for m in members]
    form = AccountForm(members=labels)
    if request.method == "GET":
        form.display_name.data = user.display_name
        form.roles.data = sorted(user.roles)
        form.member.data = user.member.public_id if user.member is not None else ""
    if form.validate_on_submit():
        member = next((m for m in members if m.public_id == form.member.data), None)
        done = attempt(
            form,
            services.edit_account,
            db.session,
            user,
            display_name=form.display_name.data or "",
            roles=form.roles.data or (),
            member=member,
            actor=current_user(),
            now=utcnow(),
        )
        if done is not None:
            db.session.commit()
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/user_edit.html", form=form, user=user)
