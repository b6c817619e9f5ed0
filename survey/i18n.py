"""Language and time-zone selection.

Staff pages may keep a chosen language in the session. Officers' pages (and their API) choose by
``?lang=`` or ``Accept-Language`` only and never touch the session, so they never set a cookie.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session

# Blueprints whose pages officers open: no session, no cookie.
COOKIELESS_BLUEPRINTS = frozenset({"officer", "api"})


def supported_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str | None:
    """``?lang=`` first, then (staff only) the session, then ``Accept-Language``, then the default.

    Outside a request (CLI commands) None means the default language.
    """
    if not has_request_context():
        return None
    languages = supported_languages()
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    if request.blueprint not in COOKIELESS_BLUEPRINTS:
        chosen = session.get("lang")
        if chosen in languages:
            return chosen
    best = request.accept_languages.best_match(languages)
    return best or languages[0]


def select_timezone() -> str:
    return str(current_app.config["TIMEZONE"])


def current_locale() -> str:
    """The language of this response, for ``<html lang>`` and language switches."""
    from flask_babel import get_locale

    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def install_template_helpers(app: Flask) -> None:
    """Template globals every page uses."""
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["languages"] = supported_languages
    from survey.rounds.display import install

    install(app)
