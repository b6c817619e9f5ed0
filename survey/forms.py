"""Form pieces shared by every audience: the empty form for button-only POSTs, and how a
service's refusal is shown on the form that asked for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.validators import Length

from survey.errors import Conflict, InvalidInput

T = TypeVar("T")


class EmptyForm(FlaskForm):
    """A form with no fields: a button-only POST (deactivate, log out …) that still carries CSRF."""


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (roles, committee posts)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def new_password_length() -> Length:
    """Shape check only; the service decides what a good password is."""
    return Length(max=200, message=_l("At most %(max)d characters."))


def attempt(form: FlaskForm, service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a service; a refusal the user can correct becomes a form error instead of an error page.

    The transaction is rolled back so nothing half-done is committed later. Other domain errors
    (not found, forbidden) go on to the one central handler.
    """
    from survey.extensions import db

    try:
        return service(*args, **kwargs)
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return None
