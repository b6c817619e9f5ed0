"""Editing the summary: rename and merge themes, move items, mark duplicates, set aside, undo.

Each view validates its form, calls one service of :mod:`survey.summary.edits`, commits once and
goes back to the summary. Every edit is in the round's log and can be undone from the changes
page.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.forms import ItemStatusForm, MergeThemeForm, MoveItemForm, RenameThemeForm
from survey.committee.summary_views import signed_in, unsealed_round
from survey.errors import DomainError, InvalidInput, NotFound
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Round, RoundEvent, Section, Theme
from survey.rounds.clock import utcnow
from survey.summary import edits
from survey.summary.labels import channel_label, status_label


def _themes(round_: Round) -> list[Theme]:
    """The round's themes that are not merged into another, by section then heading."""
    themes = db.session.scalars(select(Theme).where(Theme.round_id == round_.id)).all()
    position = {s.id: s.position for s in round_.sections}
    roots = [t for t in themes if not t.merged_into_id]
    return sorted(roots, key=lambda t: (position.get(t.section_id, 0), t.heading, t.id))


def _back(round_: Round, anchor: str = "") -> Response:
    url = url_for("committee.round_summary", round_id=round_.public_id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _done(
    round_: Round, form: FlaskForm, service: Callable[..., object], *args: object
) -> Response:
    """Run one edit service on a valid form, commit once, go back; a refusal is flashed."""
    if not form.validate_on_submit():
        raise InvalidInput(_("The form was not valid; nothing was changed."))
    try:
        service(db.session, round_, *args, actor=signed_in(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound):
            raise
        flash(error.message, "error")
        return _back(round_)
    db.session.commit()
    flash(_("Saved. Every change can be undone on the changes page."), "success")
    return _back(round_)


@bp.get("/rounds/<round_id>/themes/<theme_id>")
@roles_required("committee")
def theme(round_id: str, theme_id: str) -> str:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    merge = MergeThemeForm()
    merge.target.choices = [
        (t.id, t.heading)
        for t in _themes(round_)
        if t.section_id == found.section_id and t.id != found.id
    ]
    merged = [t for t in db.session.scalars(select(Theme).where(Theme.merged_into_id == found.id))]
    return render_template(
        "committee/theme.html",
        round=round_,
        theme=found,
        merged=merged,
        rename=RenameThemeForm(label=found.label or found.machine_label),
        merge=merge,
        button=EmptyForm(),
    )


@bp.post("/rounds/<round_id>/themes/<theme_id>/rename")
@roles_required("committee")
def rename_theme(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    form = RenameThemeForm()
    return _done(round_, form, edits.rename_theme, found, form.label.data or "")


@bp.post("/rounds/<round_id>/themes/<theme_id>/merge")
@roles_required("committee")
def merge_theme(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    form = MergeThemeForm()
    form.target.choices = [(t.id, t.heading) for t in _themes(round_)]
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose a theme to merge into."))
    target = edits.find_theme(db.session, round_, form.target.data)
    return _done(round_, form, edits.merge_themes, found, target)


@bp.post("/rounds/<round_id>/themes/<theme_id>/unmerge")
@roles_required("committee")
def unmerge_theme(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    return _done(round_, EmptyForm(), edits.unmerge_theme, found)


def _move_choices(round_: Round) -> list[tuple[str, str]]:
    themes = _themes(round_)
    choices = []
    for section in round_.sections:
        choices.append((f"{section.id}:", f"{section.title} / {_('Not in a theme')}"))
        choices += [
            (f"{section.id}:{t.id}", f"{section.title} / {t.heading}")
            for t in themes
            if t.section_id == section.id
        ]
    return choices


@bp.get("/rounds/<round_id>/items/<item_id>")
@roles_required("committee")
def item(round_id: str, item_id: str) -> str:
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    move = MoveItemForm(target=f"{found.section_id}:{found.theme_id or ''}")
    move.target.choices = _move_choices(round_)
    return render_template(
        "committee/item.html",
        round=round_,
        item=found,
        move=move,
        status=ItemStatusForm(),
        channel_label=channel_label,
        status_label=status_label,
    )


@bp.post("/rounds/<round_id>/items/<item_id>/move")
@roles_required("committee")
def move_item(round_id: str, item_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    form = MoveItemForm()
    form.target.choices = _move_choices(round_)
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose where to move the item."))
    section_id, _sep, theme_id = (form.target.data or "").partition(":")
    section = db.session.get(Section, int(section_id))
    if section is None:
        raise NotFound()
    target = edits.find_theme(db.session, round_, theme_id) if theme_id else None
    return _done(round_, form, edits.move_item, found, section, target)


@bp.post("/rounds/<round_id>/items/<item_id>/status")
@roles_required("committee")
def item_status(round_id: str, item_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    form = ItemStatusForm()
    return _done(round_, form, edits.set_item_status, found, form.status.data or "")


@bp.get("/rounds/<round_id>/changes")
@roles_required("committee")
def changes(round_id: str) -> str:
    round_ = unsealed_round(round_id)
    return render_template(
        "committee/changes.html",
        round=round_,
        events=edits.edit_events(db.session, round_),
        undone=edits.undone_ids(db.session, round_),
        button=EmptyForm(),
    )


@bp.post("/rounds/<round_id>/changes/<int:event_id>/undo")
@roles_required("committee")
def undo_change(round_id: str, event_id: int) -> Response:
    round_ = unsealed_round(round_id)
    event = db.session.get(RoundEvent, event_id)
    if event is None or event.round_id != round_.id:
        abort(404)
    return _done(round_, EmptyForm(), edits.undo_edit, event)
