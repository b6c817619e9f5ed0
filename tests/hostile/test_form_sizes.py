"""Every text field of every form has a size limit, so no field takes more than it can store."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import EqualTo, Length

# The longest value any text field accepts; MAX_CONTENT_LENGTH bounds the whole form anyway.
LONGEST = 256 * 1024


def all_forms() -> Iterator[type[FlaskForm]]:
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        yield form


def text_fields(form: type[FlaskForm]) -> Iterator[tuple[str, UnboundField]]:
    for name in dir(form):
        value = getattr(form, name, None)
        if isinstance(value, UnboundField) and issubclass(value.field_class, StringField):
            yield name, value


def test_every_text_field_has_a_length_limit(app: Flask) -> None:
    forms = [form for form in all_forms() if form.__module__.startswith("survey.")]
    assert len(forms) >= 20, "the app's forms were found"
    unlimited = []
    for form in forms:
        for name, field in text_fields(form):
            validators = field.kwargs.get("validators") or []
            limits = [v.max for v in validators if isinstance(v, Length) and v.max >= 0]
            for equal in (v for v in validators if isinstance(v, EqualTo)):
                # As long as the field it must equal, which has a limit of its own.
                other = getattr(form, equal.fieldname).kwargs.get("validators") or []
                limits += [v.max for v in other if isinstance(v, Length) and v.max >= 0]
            if not limits or max(limits) > LONGEST:
                unlimited.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unlimited == [], "\n".join(unlimited)
