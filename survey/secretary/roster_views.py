"""The secretary's roster pages: list, add, edit, (de)activate, import CSV with a preview, export.

A secretary sees their own branch only; another branch's member is simply not found.
"""

from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from survey.auth.decorators import current_user, roles_required
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import EmptyForm, attempt
from survey.models import Branch
from survey.roster import services
from survey.roster.forms import ConfirmImportForm, ImportForm, MemberForm
from survey.roster.vocabulary import category_label, post_label, search_text
from survey.roster.xlsxfile import template_workbook
from survey.secretary.blueprint import bp

bp.add_app_template_filter(category_label, "category_label")
bp.add_app_template_filter(post_label, "post_label")
MAX_QUERY = 50


def own_branch() -> Branch:
    """The branch of the logged-in secretary; an account without one may not see any roster."""
    user = current_user()
    if user is None or user.branch is None:
        abort(403)
    return user.branch


def _member_data(form: MemberForm) -> services.MemberData:
    return services.MemberData(
        name=form.name.data or "",
        category=form.category.data or "",
        note=form.note.data or "",
        posts=tuple(form.posts.data or ()),
    )


@bp.get("/roster")
@roles_required("secretary")
def roster() -> str:
    """The roster by pinyin; ``q`` keeps the members whose name, pinyin, initials or note match
    (the page's script filters as one types; this serves a browser without it)."""
    branch = own_branch()
    members = services.list_members(db.session, branch)
    searchable = {m.id: search_text(m.name, m.note) for m in members}
    query = (request.args.get("q") or "").strip().lower()[:MAX_QUERY]
    shown = [m for m in members if query in searchable[m.id]] if query else members
    return render_template(
        "secretary/roster.html",
        branch=branch,
        members=shown,
        total=len(members),
        query=query,
        searchable=searchable,
        action_form=EmptyForm(),
    )


@bp.get("/roster/template.xlsx")
@roles_required("secretary")
def roster_template() -> Response:
    """An empty roster workbook with the column names and the rules, for Excel or WPS."""
    return Response(
        template_workbook(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="roster-template.xlsx"'},
    )


@bp.route("/roster/new", methods=["GET", "POST"])
@roles_required("secretary")
def roster_new() -> Response | str:
    branch = own_branch()
    form = MemberForm()
    if form.validate_on_submit():
        member = attempt(form, services.add_member, db.session, branch, _member_data(form))
        if member is not None:
            db.session.commit()
            flash(_("%(name)s is on the roster.", name=member.name), "success")
            return redirect(url_for("secretary.roster"))
    return render_template("secretary/roster_member.html", form=form, member=None)


@bp.route("/roster/<public_id>/edit", methods=["GET", "POST"])
@roles_required("secretary")
def roster_edit(public_id: str) -> Response | str:
    member = services.get_member(db.session, own_branch(), public_id)
    form = MemberForm(obj=member)
    if not form.is_submitted():
        form.posts.data = member.post_names
    if form.validate_on_submit():
        updated = attempt(form, services.update_member, db.session, member, _member_data(form))
        if updated is not None:
            db.session.commit()
            flash(_("Changes to %(name)s are saved.", name=updated.name), "success")
            return redirect(url_for("secretary.roster"))
    return render_template("secretary/roster_member.html", form=form, member=member)


@bp.post("/roster/<public_id>/deactivate")
@roles_required("secretary")
def roster_deactivate(public_id: str) -> Response:
    member = services.get_member(db.session, own_branch(), public_id)
    if EmptyForm().validate_on_submit():
        released = services.set_member_active(db.session, member, False)
        db.session.commit()
        flash(_("%(name)s is deactivated and will not be invited.", name=member.name), "info")
        if released:
            posts = "、".join(post_label(post) for post in released)
            flash(_("Committee posts now vacant: %(posts)s.", posts=posts), "warning")
    return redirect(url_for("secretary.roster"))


@bp.post("/roster/<public_id>/activate")
@roles_required("secretary")
def roster_activate(public_id: str) -> Response:
    member = services.get_member(db.session, own_branch(), public_id)
    if EmptyForm().validate_on_submit():
        services.set_member_active(db.session, member, True)
        db.session.commit()
        flash(_("%(name)s is active again.", name=member.name), "success")
    return redirect(url_for("secretary.roster"))


@bp.route("/roster/import", methods=["GET", "POST"])
@roles_required("secretary")
def roster_import() -> str | tuple[str, int]:
    """Step 1: upload; the answer is the preview, with every row's errors and warnings."""
    branch = own_branch()
    form = ImportForm()
    if form.validate_on_submit():
        preview = attempt(form, services.preview_import, db.session, branch, form.file.data.read())
        if preview is not None:
            confirm = ConfirmImportForm(text=_pack(preview.text))
            page = render_template(
                "secretary/roster_preview.html", preview=preview, form=confirm, branch=branch
            )
            return page, 200 if preview.ok else 400
    return render_template("secretary/roster_import.html", form=form, branch=branch)


@bp.post("/roster/import/confirm")
@roles_required("secretary")
def roster_import_confirm() -> Response | tuple[str, int]:
    """Step 2: the same file, checked again (the roster may have changed), then stored."""
    branch = own_branch()
    form = ConfirmImportForm()
    text = _unpack(form.text.data) if form.validate_on_submit() else None
    if text is None:
        raise InvalidInput(_("The import form was incomplete. Upload the file again."))
    preview = services.preview_import(db.session, branch, text)
    if not preview.ok:
        page = render_template(
            "secretary/roster_preview.html", preview=preview, form=form, branch=branch
        )
        return page, 400
    added = services.import_members(db.session, branch, preview)
    db.session.commit()
    flash(ngettext("%(num)d member imported.", "%(num)d members imported.", len(added)), "success")
    return redirect(url_for("secretary.roster"))


@bp.get("/roster/export.csv")
@roles_required("secretary")
def roster_export() -> Response:
    branch = own_branch()
    data = services.export_roster(db.session, branch)
    filename = f"roster-{branch.slug}.csv"
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _pack(text: str) -> str:
    """The checked text travels in a hidden field; base64 keeps its line breaks intact."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _unpack(packed: str | None) -> str | None:
    try:
        return base64.b64decode((packed or "").encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
