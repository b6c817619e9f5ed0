"""Edits of several items at once from the summary page, and the re-group of waiting items.

Each section of the summary page has one form: its items carry a checkbox tied to it, and two
buttons send it, to move the ticked items or to make a new theme of them. Without script a button
posts the form and the page comes back. With the page's static module
(js/committee/selection.js) a move is sent with fetch, answered in JSON, and the items move on
the page with no page load.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.edit_support import done, move_choices, parse_target
from survey.committee.forms import MoveSelectionForm, NewThemeForm
from survey.committee.summary_views import unsealed_round
from survey.errors import InvalidInput, NotFound
from survey.forms import EmptyForm
from survey.models import Round, RoundEvent, Section, Theme
from survey.summary.regroup import regroup_unplaced
from survey.summary.theme_edits import move_items, new_theme, selected_items


@bp.post("/rounds/<round_id>/items/move")
@roles_required("committee")
def move_selected(round_id: str) -> Response:
    round_ = unsealed_round(round_id)
    form = MoveSelectionForm()
    form.target.choices = move_choices(round_)
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose where to move the selected items."))
    section, theme = parse_target(round_, form.target.data or "")
    return done(round_, form, _move, form.item.data or [], section, theme)


def _move(
    session: Session,
    round_: Round,
    ids: list[str],
    section: Section,
    theme: Theme | None,
    **kw: Any,
) -> RoundEvent:
    return move_items(session, round_, selected_items(session, round_, ids), section, theme, **kw)


@bp.post("/rounds/<round_id>/themes/new")
@roles_required("committee")
def new_theme_of_selected(round_id: str) -> Response:
    round_ = unsealed_round(round_id)
    form = NewThemeForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("The form was not valid; nothing was changed."))
    section = next((s for s in round_.sections if s.id == form.section.data), None)
    if section is None:
        raise NotFound()
    return done(round_, form, _new, section, form.heading.data or "", form.item.data or [])


def _new(
    session: Session, round_: Round, section: Section, heading: str, ids: list[str], **kw: Any
) -> RoundEvent:
    return new_theme(session, round_, section, heading, selected_items(session, round_, ids), **kw)


@bp.post("/rounds/<round_id>/regroup")
@roles_required("committee")
def regroup(round_id: str) -> Response:
    """Place the items typed in after unseal among the themes; the committee's edits stay."""
    round_ = unsealed_round(round_id)
    return done(round_, EmptyForm(), regroup_unplaced)
