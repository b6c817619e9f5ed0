"""Forms of the committee's summary pages: shape only; the services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from survey.forms import Form
from survey.models.summary import ITEM_STATUSES
from survey.summary.channels import MAX_TEXT


class RenameThemeForm(Form):
    label = StringField(
        _l("Heading"),
        validators=[Length(max=200)],
        description=_l("Leave empty to go back to the suggested heading."),
    )


class MergeThemeForm(Form):
    # Choices (the other themes of the section) are set by the view.
    target = SelectField(_l("Merge into"), coerce=str, validators=[DataRequired()])


class ThemeCategoryForm(Form):
    # A name of the round's categories, or empty for none (未归类); the service checks it.
    category = SelectField(_l("Summary category"), coerce=str, validate_choice=False)


class MoveItemForm(Form):
    # ``<section id>:<theme id>`` or ``<section id>:`` for "no theme"; choices set by the view.
    target = SelectField(_l("Move to"), coerce=str, validators=[DataRequired()])


class ItemStatusForm(Form):
    """Sent by one of several buttons, each carrying the status it sets."""

    status = StringField(validators=[DataRequired(), Length(max=32)])

    def validate_status(self, field: StringField) -> None:
        from wtforms.validators import ValidationError

        if field.data not in ITEM_STATUSES:
            raise ValidationError(_l("Unknown item status."))


def _selection() -> SelectMultipleField:
    """The ticked items (ids); the service checks they belong to the round."""
    return SelectMultipleField(_l("Items"), coerce=str, validate_choice=False)


class MoveSelectionForm(Form):
    """One form per section of the summary page: its ticked items and where they go."""

    item = _selection()
    # Choices (every section and theme) are set by the view, as for one item.
    target = SelectField(_l("Move the selected items to"), coerce=str, validators=[DataRequired()])


class NewThemeForm(Form):
    """The same section form, sent by its other button: a new theme of the ticked items."""

    item = _selection()
    section = IntegerField(validators=[DataRequired()])
    heading = StringField(_l("Heading of the new theme"), validators=[Length(max=200)])


class SplitThemeForm(Form):
    item = _selection()
    heading = StringField(
        _l("Heading of the new theme"),
        validators=[DataRequired(message=_l("Give the new theme a heading.")), Length(max=200)],
    )


class ItemTextForm(Form):
    text = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Type the text.")), Length(max=MAX_TEXT)],
        description=_l(
            "The new text replaces the old one for good: the old text is not kept anywhere, not"
            " even in the log, so this edit cannot be undone. The item is marked as edited."
        ),
    )
