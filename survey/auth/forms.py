"""Forms of the auth blueprint. They check shape only; the services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from survey.forms import Form, new_password_length

# A page address to come back to: a path and its query, as long as the request guard allows.
MAX_NEXT = 8192


class LoginForm(Form):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    # Where to go after logging in; checked to be a local path before use.
    next = HiddenField(validators=[Length(max=MAX_NEXT)])


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password.")), new_password_length()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(Form):
    """The language switch: one button per language, each sending ``lang``."""

    lang = StringField(validators=[Length(max=16)])
    next = HiddenField(validators=[Length(max=MAX_NEXT)])
