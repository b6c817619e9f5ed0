"""The secretary types in opinions from paper forms (书面征求意见表) and talks (个别谈话).

Marked with their channel, dated by day only, with no person: the form has no field for one.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from survey.auth.decorators import current_user, roles_required
from survey.errors import InvalidInput
from survey.extensions import db
from survey.forms import attempt
from survey.models import OpinionItem, Round
from survey.rounds.clock import local_today, utcnow
from survey.rounds.errors import UnknownRound
from survey.secretary.blueprint import bp
from survey.summary.channels import CHANNEL_STATES, MAX_TEXT, add_channel_items
from survey.summary.labels import channel_label


class ChannelItemForm(FlaskForm):
    section = SelectField(_l("Section"), coerce=str, validators=[DataRequired()])
    channel = SelectField(_l("Channel"), coerce=str, validators=[DataRequired()])
    day = DateField(
        _l("Day"),
        validators=[DataRequired(message=_l("Give the day (no time)."))],
        description=_l("The day of the talk or the day the form was handed in; no time."),
    )
    text = TextAreaField(
        _l("Opinions"),
        validators=[DataRequired(message=_l("Type the opinions.")), Length(max=MAX_TEXT)],
        description=_l(
            "Type what was written or said, without names. Several points are split into items"
            " the same way as answers, and normalised."
        ),
    )


def _round(round_id: str) -> Round:
    user = current_user()
    round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
    if round_ is None or user is None or round_.branch_id != user.branch_id:
        raise UnknownRound()
    return round_


def _form(round_: Round) -> ChannelItemForm:
    form = ChannelItemForm()
    form.section.choices = [(s.key, s.title) for s in round_.sections]
    form.channel.choices = [(c, channel_label(c)) for c in ("paper", "talk")]
    if form.day.data is None and not form.is_submitted():
        form.day.data = local_today(utcnow())
    return form


def _page(round_: Round, form: ChannelItemForm, status: int = 200) -> tuple[str, int]:
    items = db.session.scalars(
        select(OpinionItem).where(
            OpinionItem.round_id == round_.id, OpinionItem.channel != "survey"
        )
    ).all()
    position = {s.id: s.position for s in round_.sections}
    ordered = sorted(items, key=lambda i: (position.get(i.section_id, 0), i.text, i.id))
    page = render_template(
        "committee/channel_items.html",
        round=round_,
        form=form,
        items=ordered,
        open_for_items=round_.state in CHANNEL_STATES,
        channel_label=channel_label,
    )
    return page, status


@bp.get("/rounds/<round_id>/channel-items")
@roles_required("secretary")
def channel_items(round_id: str) -> tuple[str, int]:
    round_ = _round(round_id)
    return _page(round_, _form(round_))


@bp.post("/rounds/<round_id>/channel-items")
@roles_required("secretary")
def add_channel_item(round_id: str) -> Response | tuple[str, int]:
    round_ = _round(round_id)
    form = _form(round_)
    if form.validate_on_submit():
        section = next((s for s in round_.sections if s.key == form.section.data), None)
        if section is None:
            raise InvalidInput(_("Choose a section of this round."))
        assert form.day.data is not None
        added = attempt(
            form,
            add_channel_items,
            db.session,
            round_,
            section,
            form.channel.data or "",
            form.day.data,
            form.text.data or "",
            actor=current_user(),
            now=utcnow(),
        )
        if added is not None:
            db.session.commit()
            flash(_("%(n)d items added.", n=len(added)), "success")
            return redirect(url_for("secretary.channel_items", round_id=round_id))
    return _page(round_, form, 400)
