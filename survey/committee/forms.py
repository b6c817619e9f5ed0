"""Forms of the committee's summary pages: shape only; the services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from survey.models.summary import ITEM_STATUSES


class RenameThemeForm(FlaskForm):
    label = StringField(
        _l("Heading"),
        validators=[Length(max=200)],
        description=_l("Leave empty to go back to the suggested heading."),
    )


class MergeThemeForm(FlaskForm):
    # Choices (the other themes of the section) are set by the view.
    target = SelectField(_l("Merge into"), coerce=str, validators=[DataRequired()])


class MoveItemForm(FlaskForm):
    # ``<section id>:<theme id>`` or ``<section id>:`` for "no theme"; choices set by the view.
    target = SelectField(_l("Move to"), coerce=str, validators=[DataRequired()])


class ItemStatusForm(FlaskForm):
    """Sent by one of several buttons, each carrying the status it sets."""

    status = StringField(validators=[DataRequired(), Length(max=32)])

    def validate_status(self, field: StringField) -> None:
        from wtforms.validators import ValidationError

        if field.data not in ITEM_STATUSES:
            raise ValidationError(_l("Unknown item status."))
