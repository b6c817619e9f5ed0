"""Form pieces shared by every audience: the empty form for button-only POSTs, how a service's
refusal is shown on the form that asked for it, and the status of a page that shows a refused
form (400, not 200: the request was not accepted, and clients and tests can tell)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, g, message_flashed, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import Length

from survey.errors import Conflict, InvalidInput

T = TypeVar("T")
_REFUSED = "_survey_form_refused"


class _TokenWithoutId(CSRFTokenField):
    """The hidden CSRF token without an id: a page of several forms carries one token per form,
    and an id must be unique on a page (a label or a script would find the wrong one)."""

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)  # WTForms leaves out an attribute whose value is False
        return super().__call__(**kwargs)


class Form(FlaskForm):
    """The base of every form here: Flask-WTF's, its CSRF token rendered without an id."""

    class Meta(FlaskForm.Meta):
        def build_csrf(self, form: Any) -> Any:
            csrf = super().build_csrf(form)
            csrf.field_class = _TokenWithoutId
            return csrf


class EmptyForm(Form):
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


def mark_form_refused() -> str:
    """Called by the form macros wherever they show an error; renders nothing."""
    setattr(g, _REFUSED, True)
    return ""


def _note_error_flash(_app: Flask, message: str, category: str) -> None:
    if category == "error":
        setattr(g, _REFUSED, True)


def install_refused_form_status(app: Flask) -> None:
    """A POST answered with a page that shows a refusal gets 400 instead of 200.

    A refusal is a form error shown by the form macros (templates/macros/forms.html, the one
    place that shows field and form errors) or an error flashed during this request, so every
    form, present or future, is covered without each view choosing a status. A redirect keeps
    its status: the error is shown on the page it leads to.
    """
    app.jinja_env.globals["mark_form_refused"] = mark_form_refused
    message_flashed.connect(_note_error_flash, app)

    @app.after_request
    def _refused_form_status(response: Response) -> Response:
        if request.method == "POST" and response.status_code == 200 and g.get(_REFUSED):
            response.status_code = 400
        return response
