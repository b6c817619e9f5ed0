"""Forms of the custodians' pages: shape only; the services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from survey.forms import Form

_PART_KW = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class ConfirmPartForm(Form):
    """At opening: the custodian types the part just shown, to prove it was written down."""

    typed = StringField(
        _l("Type your part again"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("This shows you wrote it down correctly. It is not stored."),
        render_kw=_PART_KW,
    )


class UnsealPartForm(Form):
    """At unseal: the custodian types their own part (never the other custodian's)."""

    typed = PasswordField(
        _l("Your part of the opening code"),
        validators=[DataRequired(message=_l("Type your part.")), Length(max=80)],
        description=_l("From your opening sheet. Case, spaces and dashes do not matter."),
        render_kw={**_PART_KW, "placeholder": "XXXX-XXXX-XXXX-XXXX"},
    )
