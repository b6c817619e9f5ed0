"""Forms of the secretary's roster pages. They check shape; the roster services decide."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from survey.forms import Form, MultiCheckboxField
from survey.models import CATEGORIES, POSTS
from survey.roster.vocabulary import CATEGORY_LABELS, POST_LABELS


class MemberForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter the name.")), Length(max=100)],
        render_kw={"autocomplete": "off"},
    )
    note = StringField(
        _l("Note"),
        validators=[Length(max=200)],
        description=_l("Optional: tells namesakes apart, e.g. unit or badge number."),
    )
    category = SelectField(
        _l("Category"), choices=[SelectChoice(code, CATEGORY_LABELS[code]) for code in CATEGORIES]
    )
    posts = MultiCheckboxField(
        _l("Committee posts"),
        choices=[SelectChoice(code, POST_LABELS[code]) for code in POSTS],
        description=_l("Each post is held by one member; one member may hold several."),
    )


class ImportForm(Form):
    file = FileField(
        _l("Excel (.xlsx) or CSV file"),
        validators=[FileRequired(message=_l("Choose an .xlsx or CSV file."))],
        description=_l(
            "A sheet from Excel or WPS (.xlsx), or CSV in UTF-8 or GBK. First line: the column"
            " names 姓名, 政治面貌, 支委职务 (备注 optional)."
        ),
        render_kw={
            "accept": ".xlsx,.csv,text/csv,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


# The checked file travels back base64-encoded: a third longer than the largest upload.
MAX_PACKED_TEXT = 256 * 1024


class ConfirmImportForm(Form):
    """Carries the checked file back; it is checked again before anything is stored."""

    text = HiddenField(validators=[DataRequired(), Length(max=MAX_PACKED_TEXT)])
