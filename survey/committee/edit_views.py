"""Editing items of the summary (move, mark, edit the text) and the changes page with undo.

Each view validates its form, calls one service of :mod:`survey.summary` and goes back to the
summary (survey/committee/edit_support.py). Every edit is in the round's log and can be undone
from the changes page, except a text edit: its original is not kept (survey/summary/redaction.py).
"""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.edit_support import done, move_choices, parse_target, run_edit
from survey.committee.forms import ItemStatusForm, ItemTextForm, MoveItemForm
from survey.committee.summary_views import unsealed_round
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import OpinionItem, Round, RoundEvent
from survey.summary import edits
from survey.summary.labels import category_label, channel_label, status_label
from survey.summary.redaction import edit_item_text
from survey.unseal_pages import rewrite_after_redaction


@bp.get("/rounds/<round_id>/items/<item_id>")
@roles_required("committee")
def item(round_id: str, item_id: str) -> str:
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    move = MoveItemForm(target=f"{found.section_id}:{found.theme_id or ''}")
    move.target.choices = move_choices(round_)
    return render_template(
        "committee/item.html",
        round=round_,
        item=found,
        move=move,
        status=ItemStatusForm(),
        text=ItemTextForm(text=found.text),
        channel_label=channel_label,
        status_label=status_label,
    )


@bp.post("/rounds/<round_id>/items/<item_id>/move")
@roles_required("committee")
def move_item(round_id: str, item_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    form = MoveItemForm()
    form.target.choices = move_choices(round_)
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose where to move the item."))
    section, target = parse_target(round_, form.target.data or "")
    return done(round_, form, edits.move_item, found, section, target)


@bp.post("/rounds/<round_id>/items/<item_id>/status")
@roles_required("committee")
def item_status(round_id: str, item_id: str) -> Response:
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    form = ItemStatusForm()
    return done(round_, form, edits.set_item_status, found, form.status.data or "")


@bp.post("/rounds/<round_id>/items/<item_id>/text")
@roles_required("committee")
def item_text(round_id: str, item_id: str) -> Response:
    """Replace the text (a correction or a redaction); then rewrite the storage."""
    round_ = unsealed_round(round_id)
    found = edits.find_item(db.session, round_, item_id)
    form = ItemTextForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Type the text."))
    text = form.text.data or ""
    return run_edit(round_, edit_item_text, found, text, after_commit=rewrite_after_redaction)


@bp.get("/rounds/<round_id>/changes")
@roles_required("committee")
def changes(round_id: str) -> str:
    round_ = unsealed_round(round_id)
    events = edits.edit_events(db.session, round_)
    return render_template(
        "committee/changes.html",
        round=round_,
        events=events,
        texts=_item_texts(round_, events),
        undone=edits.undone_ids(db.session, round_),
        irreversible=edits.IRREVERSIBLE,
        category_label=category_label,
        button=EmptyForm(),
    )


def _item_texts(round_: Round, events: list[RoundEvent]) -> dict[str, str]:
    """The current text of every item the log names (the log itself holds no text)."""
    ids: set[str] = set()
    for event in events:
        ids |= edits.item_ids(event)
    if not ids:
        return {}
    rows = db.session.execute(
        select(OpinionItem.id, OpinionItem.text).where(
            OpinionItem.round_id == round_.id, OpinionItem.id.in_(ids)
        )
    )
    return {item_id: text for item_id, text in rows}


@bp.post("/rounds/<round_id>/changes/<int:event_id>/undo")
@roles_required("committee")
def undo_change(round_id: str, event_id: int) -> Response:
    round_ = unsealed_round(round_id)
    event = db.session.get(RoundEvent, event_id)
    if event is None or event.round_id != round_.id:
        abort(404)
    return done(round_, EmptyForm(), edits.undo_edit, event)
