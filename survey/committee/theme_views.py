"""The theme page: rename, merge into another theme, separate again, split off a new theme,
put it under another of the round's categories."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.edit_support import done, root_themes, theme_name
from survey.committee.forms import (
    MergeThemeForm,
    RenameThemeForm,
    SplitThemeForm,
    ThemeCategoryForm,
)
from survey.committee.summary_views import unsealed_round
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Round, RoundEvent, Theme
from survey.rounds.categories import category_names
from survey.summary import edits
from survey.summary.labels import category_label
from survey.summary.theme_edits import selected_items, split_theme, theme_items


@bp.get("/rounds/<round_id>/themes/<theme_id>")
@roles_required("committee")
def theme(round_id: str, theme_id: str) -> str:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    merge = MergeThemeForm()
    merge.target.choices = [
        (t.id, theme_name(t))
        for t in root_themes(round_)
        if t.section_id == found.section_id and t.id != found.id
    ]
    merged = [t for t in db.session.scalars(select(Theme).where(Theme.merged_into_id == found.id))]
    return render_template(
        "committee/theme.html",
        round=round_,
        theme=found,
        merged=merged,
        items=theme_items(db.session, round_, found),
        rename=RenameThemeForm(label=found.label or found.machine_label),
        merge=merge,
        split=SplitThemeForm(),
        category=_category_form(round_, found),
        category_label=category_label,
        button=EmptyForm(),
    )


def _category_form(round_: Round, theme: Theme) -> ThemeCategoryForm | None:
    """The round's categories and none (未归类), the theme's own chosen; None without any."""
    names = category_names(round_)
    if not names:
        return None
    form = ThemeCategoryForm(category=theme.category or "")
    form.category.choices = [*((n, n) for n in names), ("", category_label(None))]
    return form


@bp.post("/rounds/<round_id>/themes/<theme_id>/category")
@roles_required("committee")
def theme_category(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    form = ThemeCategoryForm()
    return done(round_, form, edits.set_theme_category, found, form.category.data or None)


@bp.post("/rounds/<round_id>/themes/<theme_id>/rename")
@roles_required("committee")
def rename_theme(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    form = RenameThemeForm()
    return done(round_, form, edits.rename_theme, found, form.label.data or "")


@bp.post("/rounds/<round_id>/themes/<theme_id>/merge")
@roles_required("committee")
def merge_theme(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    form = MergeThemeForm()
    form.target.choices = [(t.id, t.heading) for t in root_themes(round_)]
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose a theme to merge into."))
    target = edits.find_theme(db.session, round_, form.target.data)
    return done(round_, form, edits.merge_themes, found, target)


@bp.post("/rounds/<round_id>/themes/<theme_id>/unmerge")
@roles_required("committee")
def unmerge_theme(round_id: str, theme_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    return done(round_, EmptyForm(), edits.unmerge_theme, found)


@bp.post("/rounds/<round_id>/themes/<theme_id>/split")
@roles_required("committee")
def split(round_id: str, theme_id: str) -> Response:
    """The ticked items of the theme become a new theme with the heading given."""
    round_ = unsealed_round(round_id)
    found = edits.find_theme(db.session, round_, theme_id)
    form = SplitThemeForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Tick the items to split off and give the new theme a heading."))
    return done(round_, form, _split, found, form.heading.data or "", form.item.data or [])


def _split(
    session: Session, round_: Round, theme: Theme, heading: str, ids: list[str], **kw: Any
) -> RoundEvent:
    return split_theme(session, round_, theme, heading, selected_items(session, round_, ids), **kw)
