"""The superior's reply: 同意, or changes asked with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from survey.forms import Form
from survey.topics.labels import DECISION_LABELS


class ReplyForm(Form):
    decision = SelectField(
        _l("Reply"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(key, label) for key, label in DECISION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose to approve or to ask for changes."))],
    )
    text = TextAreaField(
        _l("Changes asked, or a remark"),
        validators=[Length(max=2000)],
        description=_l("Needed when you ask for changes; they become the next version."),
    )
