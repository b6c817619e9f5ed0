"""Anonymous opinion rounds for a Party branch."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from survey.config import ROOT, load_config

__all__ = ["create_app"]


def create_app(
    overrides: Mapping[str, Any] | None = None, *, instance_path: str | None = None
) -> Flask:
    """Build the application: config layers, extensions, blueprints, CLI, error handlers."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=instance_path
        or os.environ.get("SURVEY_INSTANCE_PATH")
        or str(ROOT / "instance"),
    )
    load_config(app, overrides)
    init_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_error_handlers(app)
    register_request_hooks(app)
    return app


def init_extensions(app: Flask) -> None:
    """Bind the extensions created once in ``survey.extensions``."""
    from survey.extensions import babel, csrf, db, limiter
    from survey.health import install_database_recovery
    from survey.i18n import install_template_helpers, select_locale, select_timezone

    db.init_app(app)
    install_database_recovery(app.extensions[db.key].engine)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "survey" / "translations"),
    )
    limiter.init_app(app)
    install_template_helpers(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience."""
    from survey.admin import topics_views  # noqa: F401 - its routes join the admin blueprint
    from survey.admin.views import bp as admin_bp
    from survey.api.views import bp as api_bp
    from survey.auth.views import bp as auth_bp
    from survey.committee.views import bp as committee_bp
    from survey.custodian.views import bp as custodian_bp
    from survey.health import bp as health_bp
    from survey.officer.views import bp as officer_bp
    from survey.public.views import bp as public_bp
    from survey.secretary.views import bp as secretary_bp
    from survey.superior.views import bp as superior_bp

    blueprints = (
        public_bp,
        auth_bp,
        admin_bp,
        secretary_bp,
        committee_bp,
        custodian_bp,
        superior_bp,
        officer_bp,
        api_bp,
    )
    for blueprint in (*blueprints, health_bp):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    """Commands of ``survey`` (and ``flask --app survey``)."""
    from survey.cli.commands import register_commands

    register_commands(app.cli)


def register_error_handlers(app: Flask) -> None:
    """Refusals become pages (or JSON for the officers' API) in one place; bad input is refused
    before any view runs, and a refused form is answered 400."""
    from survey.errors import register_handlers
    from survey.forms import install_refused_form_status
    from survey.request_guard import install_request_guard

    register_handlers(app)
    install_request_guard(app)
    install_refused_form_status(app)


def register_request_hooks(app: Flask) -> None:
    """Security headers, the secret-key guard and quiet logs for anonymous paths."""
    from survey.security import install_request_hooks

    install_request_hooks(app)
