"""Forms of the administrator's pages. Branch choices are passed in; services decide the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from survey.forms import Form, MultiCheckboxField, new_password_length

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "secretary": _l("Secretary (manages roster and rounds)"),
    "committee": _l("Committee member (opens and reads answers)"),
    "superior": _l("Superior Party organisation (replies to reported topics)"),
}


class BranchForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter the branch's name.")), Length(max=200)],
        description=_l("For example 示范派出所党支部."),
    )
    slug = StringField(
        _l("Short name"),
        validators=[DataRequired(message=_l("Enter a short name.")), Length(max=64)],
        description=_l("Lowercase letters, digits and hyphens; used on the command line."),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class NewPasswordMixin:
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter a password.")), new_password_length()],
        description=_l("At least 10 characters. Hand it over in person."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class UserForm(NewPasswordMixin, Form):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter a username.")), Length(max=64)],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"},
    )
    display_name = StringField(
        _l("Name shown"), validators=[Length(max=100)], description=_l("For example 王建国.")
    )
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()]
    )
    branch = SelectField(_l("Branch"), choices=[])

    def __init__(self, *args: object, branches: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.branch.choices = [
            SelectChoice("", _l("No branch (administrators only)")),
            *(SelectChoice(value, label) for value, label in branches),
        ]


class ResetPasswordForm(NewPasswordMixin, Form):
    pass


class AccountForm(Form):
    """Name, roles and the roster member an account belongs to (one member, one account)."""

    display_name = StringField(
        _l("Name shown"), validators=[Length(max=100)], description=_l("For example 王建国.")
    )
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()]
    )
    member = SelectField(
        _l("Roster member"),
        choices=[],
        description=_l(
            "The person this account belongs to. Each member may have one account only, so the"
            " two custodians of a round are always two different people."
        ),
    )

    def __init__(self, *args: object, members: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.member.choices = [
            SelectChoice("", _l("Not bound to a member")),
            *(SelectChoice(value, label) for value, label in members),
        ]
