"""The secretary types in paper opinion forms (书面征求意见表) and talks (个别谈话), a whole form
at a time: one box per section of the round's form, as on the paper.

Marked with their channel, dated by day only, with no person: the form has no field for one.
After a form is added the page comes back with the same channel and day chosen (carried in the
address, not in a cookie), ready for the next form of the pile.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from survey.auth.decorators import current_user, roles_required
from survey.extensions import db
from survey.forms import Form, attempt
from survey.models import OpinionItem, Round
from survey.rounds.clock import local_today, utcnow
from survey.rounds.errors import UnknownRound
from survey.secretary.blueprint import bp
from survey.summary.channels import CHANNEL_STATES, MAX_TEXT, OTHER_CHANNELS, add_channel_form
from survey.summary.labels import channel_label


class ChannelFormBase(Form):
    channel = SelectField(_l("Channel"), coerce=str, validators=[DataRequired()])
    day = DateField(
        _l("Day"),
        validators=[DataRequired(message=_l("Give the day (no time)."))],
        description=_l("The day of the talk or the day the form was handed in; no time."),
    )


def section_field(name: str) -> str:
    return f"text-{name}"


def _form_class(round_: Round) -> type[ChannelFormBase]:
    """The round's form as on paper: the channel, the day and one box per section."""
    fields = {
        section_field(section.key): TextAreaField(
            section.title, validators=[Length(max=MAX_TEXT)], render_kw={"rows": 4}
        )
        for section in round_.sections
    }
    return type("ChannelForm", (ChannelFormBase,), fields)


def _round(round_id: str) -> Round:
    user = current_user()
    round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
    if round_ is None or user is None or round_.branch_id != user.branch_id:
        raise UnknownRound()
    return round_


def _remembered_day() -> date | None:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None


def _form(round_: Round) -> ChannelFormBase:
    form = _form_class(round_)()
    form.channel.choices = [(c, channel_label(c)) for c in OTHER_CHANNELS]
    if not form.is_submitted():
        if request.args.get("channel") in OTHER_CHANNELS:
            form.channel.data = request.args["channel"]
        form.day.data = _remembered_day() or local_today(utcnow())
    return form


def _page(round_: Round, form: ChannelFormBase, status: int = 200) -> tuple[str, int]:
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
        section_fields=[form[section_field(s.key)] for s in round_.sections],
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
        assert form.day.data is not None
        texts = {s: form[section_field(s.key)].data or "" for s in round_.sections}
        added = attempt(
            form,
            add_channel_form,
            db.session,
            round_,
            form.channel.data or "",
            form.day.data,
            texts,
            actor=current_user(),
            now=utcnow(),
        )
        if added is not None:
            db.session.commit()
            flash(_("%(n)d items added.", n=len(added)), "success")
            return redirect(
                url_for(
                    "secretary.channel_items",
                    round_id=round_id,
                    channel=form.channel.data,
                    day=form.day.data.isoformat(),
                )
            )
    return _page(round_, form, 400)
