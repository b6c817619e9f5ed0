"""Forms of the secretary's round pages: shape only; the round services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from survey.forms import MultiCheckboxField
from survey.models.rounds import DEFAULT_MIN_ANSWERS, LOWEST_MIN_ANSWERS


class RoundSettingsForm(FlaskForm):
    """Title, text for officers, deadline, minimum and the second custodian."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(
        _l("Text for officers"),
        validators=[Length(max=4000)],
        description=_l("Shown at the top of the answer page."),
    )
    deadline = DateTimeLocalField(
        _l("Deadline (optional)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Local time. Without a deadline the round stays open until you close it."),
    )
    min_answers = IntegerField(
        _l("Answers needed before anyone may read them"),
        default=DEFAULT_MIN_ANSWERS,
        validators=[InputRequired(), NumberRange(min=LOWEST_MIN_ANSWERS, max=1000)],
        description=_l(
            "The answers can be opened only when at least this many arrived, plus one for each"
            " committee member taking part, so that no answer can be traced to one person."
            " Never below 3."
        ),
    )
    custodian2 = SelectField(
        _l("Second custodian of the opening code"),
        coerce=str,
        validators=[InputRequired()],
        description=_l(
            "A committee member other than you, usually the discipline inspection member."
        ),
    )


class DraftForm(RoundSettingsForm):
    """The whole draft page: settings, participants and sections (``title-<key>`` fields, in
    the order of the ``order`` fields); one save keeps every edit."""

    # Which members exist is the service's question, not the form's.
    members = MultiCheckboxField(_l("Participants"), coerce=str, validate_choice=False)
    new_title = StringField(_l("Add a section"), validators=[Length(max=200)])


class IntroForm(FlaskForm):
    """The text for officers, which stays editable while the round collects."""

    intro = TextAreaField(
        _l("Text for officers"),
        validators=[Length(max=4000)],
        description=_l(
            "Shown at the top of the answer page. If it names the deadline, change it here"
            " when you extend the deadline. Every change is written to the round log."
        ),
    )


class ReissueForm(FlaskForm):
    invitation = StringField(validators=[DataRequired(), Length(max=40)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class ShowCodesForm(FlaskForm):
    """Which codes to show: ``new`` (not handed out yet), ``all``, or one invitation's id."""

    which = StringField(validators=[DataRequired(), Length(max=40)])


class SentForm(FlaskForm):
    """「已发送」 ticked (``1``) or not (``0``) for one person's message."""

    sent = StringField(validators=[InputRequired(), Length(max=1), AnyOf(["0", "1"])])


class AddParticipantForm(FlaskForm):
    member = SelectField(_l("Member"), coerce=str, validators=[InputRequired()])


class ExtendForm(FlaskForm):
    deadline = DateTimeLocalField(
        _l("New deadline"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Leave empty to keep the round open until you close it."),
    )
