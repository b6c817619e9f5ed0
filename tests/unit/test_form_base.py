"""Every form of the app derives from survey.forms.Form, whose CSRF token has no id: a page of
several forms would otherwise repeat the token's id once per form (tests/web/test_html_ids.py
shows the pages with CSRF on)."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask
from flask_wtf import FlaskForm

import survey
from survey.forms import EmptyForm, Form


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_form_of_the_app_derives_from_the_base() -> None:
    for module in pkgutil.walk_packages(survey.__path__, "survey."):
        if ".migrations." not in module.name:
            importlib.import_module(module.name)
    ours = {c for c in _subclasses(FlaskForm) if c.__module__.startswith("survey.")}
    assert len(ours) > 30  # the walk found the forms
    assert sorted(c.__qualname__ for c in ours if not issubclass(c, Form)) == []


def test_the_token_renders_without_an_id(app: Flask) -> None:
    """That the token still validates is shown by tests/web/test_csrf.py, on the real pages."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context():
        html = str(EmptyForm().csrf_token)
    assert 'name="csrf_token"' in html and 'type="hidden"' in html and "id=" not in html
