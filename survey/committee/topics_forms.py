"""Forms of the committee's topic pages: shape only; the topic services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from survey.forms import Form
from survey.topics.labels import DISPOSITION_LABELS

MAX_TEXT = 2000
# Space-separated public ids of the themes or items a topic comes from.
MAX_IDS = 64 * 1024


class TopicForm(Form):
    title = StringField(
        _l("Topic"),
        validators=[DataRequired(message=_l("Give the topic a title.")), Length(max=200)],
    )
    problem = TextAreaField(
        _l("Problem to solve (要解决的问题)"),
        validators=[
            DataRequired(message=_l("Say which problem the meeting must solve.")),
            Length(max=MAX_TEXT),
        ],
    )
    outcome = TextAreaField(
        _l("Expected result (预期成果)"),
        validators=[
            DataRequired(message=_l("Say which result the meeting must reach.")),
            Length(max=MAX_TEXT),
        ],
    )
    # Member public ids of the committee; "" for none. Choices are set by the view.
    owner = SelectField(_l("Responsible committee member (optional)"), coerce=str, default="")
    # Where a topic made from a theme comes from (space-separated ids).
    themes = HiddenField(validators=[Length(max=MAX_IDS)])
    items = HiddenField(validators=[Length(max=MAX_IDS)])


class MoveTopicForm(Form):
    step = HiddenField(validators=[DataRequired(), Length(max=8)])


class PublishForm(Form):
    deadline = DateTimeLocalField(
        _l("Deadline for responses"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Local time. Without a deadline the consultation stays open until closed."),
    )


class DispositionForm(Form):
    kind = SelectField(
        _l("Disposition"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(kind, label) for kind, label in DISPOSITION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose how the objection was handled."))],
    )
    text = TextAreaField(
        _l("What was done (the change it causes, or the explanation)"),
        validators=[
            DataRequired(message=_l("Say what was done about the objection.")),
            Length(max=MAX_TEXT),
        ],
    )


class RedactForm(Form):
    text = TextAreaField(
        _l("Text without the identifying details"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
    )
