"""Logging in and out, changing one's password, and the staff language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from survey.auth import custody, services, throttle
from survey.auth.decorators import current_user, forget_user, login_required, remember_user
from survey.auth.device import remember_device
from survey.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from survey.errors import InvalidInput, wants_json
from survey.extensions import db
from survey.forms import EmptyForm, attempt
from survey.i18n import COOKIELESS_BLUEPRINTS
from survey.models import User
from survey.rounds.display import change_label, localtime

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirects).

    Browsers treat a backslash like a slash, so ``/\\evil.example`` would leave the site too.
    """
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@throttle.per_client
@throttle.per_account
@throttle.per_device
def login() -> Response | str:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            remember_user(user)
            show_notices(user)
            response = redirect(safe_next(form.next.data) or url_for("public.home"))
            remember_device(response, user.username)
            return response
        throttle.note_failed_login()
        # The same words whether the account is unknown, inactive or the password wrong.
        form.form_errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form)


def show_notices(user: User) -> None:
    """Administrators' changes to this custodian's account since their last login, once."""
    notices = custody.take_notices(db.session, user)
    for notice in notices:
        flash(
            _(
                "On %(at)s %(by)s changed your account (%(change)s) while you hold a part of the"
                " opening code of: %(rounds)s. If you did not ask for this, tell the committee"
                " now; the change is also in the round's log.",
                at=localtime(notice.at),
                by=notice.actor or _("the command line"),
                change=change_label(notice.change),
                rounds="、".join(notice.round_titles),
            ),
            "warning",
        )
    db.session.commit()


@bp.post("/logout")
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        user = current_user()
        if user is not None:
            # Every copy of this login's cookie (another tab, a copied cookie) ends too.
            services.end_sessions(db.session, user)
            db.session.commit()
        forget_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    user = current_user()
    assert user is not None
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = attempt(
            form, services.change_password, db.session, user, form.current.data, form.new.data
        )
        if changed is not None:
            db.session.commit()
            remember_user(user)  # this session goes on; older ones end
            flash(_("Your password is changed."), "success")
            return redirect(url_for("public.home"))
    return render_template("auth/password.html", form=form)


@bp.post("/language")
def set_language() -> Response:
    """Staff keep their language in the session (officers' pages never read it)."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_("Unknown language."))
    session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data) or url_for("public.home"))


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """An expired or missing form token: say what to do rather than show a bare 400."""
    if wants_json():
        return {"error": "csrf", "message": error.description}, 400
    return render_template("errors/csrf.html", error=error, status=400), 400


@bp.app_context_processor
def staff_template_helpers() -> dict[str, object]:
    """``current_user()``, ``staff_page()`` and ``has_endpoint()`` for the page shell."""
    return {
        "current_user": current_user,
        "staff_page": staff_page,
        "has_endpoint": has_endpoint,
        "logout_form": EmptyForm,
        "language_form": LanguageForm,
    }


def staff_page() -> bool:
    """True on pages that may use the session (not the officers' pages)."""
    return request.blueprint not in COOKIELESS_BLUEPRINTS


def has_endpoint(endpoint: str) -> bool:
    """Lets the menu link to features that may not be installed yet."""
    return endpoint in current_app.view_functions
