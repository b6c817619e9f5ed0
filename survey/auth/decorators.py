"""Who is logged in, and the decorators that guard staff pages.

The session holds only the user's public id and session version. Every request looks the user
up again, so deactivating an account, or changing its password, ends its sessions at once.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, has_request_context, redirect, request, session, url_for
from sqlalchemy import select

from survey.extensions import db
from survey.i18n import COOKIELESS_BLUEPRINTS
from survey.models import User

F = TypeVar("F", bound=Callable[..., Any])

SESSION_USER = "user"
SESSION_VERSION = "user_v"
# A random id per login: tells two logins of one browser apart (survey/rounds/unseal_parts.py).
SESSION_LOGIN = "login"
# The cache in ``g`` remembers which public id it was filled for, so a login or logout in the
# middle of a request never hands out the previous user.
_CACHE = "_survey_current_user"


def current_user() -> User | None:
    """The logged-in, active staff user of this request, or None.

    Officers' pages never look: reading the session there could set a cookie.
    """
    if not has_request_context() or request.blueprint in COOKIELESS_BLUEPRINTS:
        return None
    public_id = session.get(SESSION_USER)
    if not isinstance(public_id, str):
        return None
    cached = g.get(_CACHE)
    if cached is not None and cached[0] == public_id:
        return cached[1]
    user = db.session.scalar(select(User).where(User.public_id == public_id))
    if user is None or not user.active or session.get(SESSION_VERSION) != user.session_version:
        forget_user()
        return None
    setattr(g, _CACHE, (public_id, user))
    return user


def remember_user(user: User) -> None:
    """Start a fresh session for ``user``, keeping only the language choice."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[SESSION_USER] = user.public_id
    session[SESSION_VERSION] = user.session_version
    session[SESSION_LOGIN] = secrets.token_urlsafe(16)
    session.permanent = True
    setattr(g, _CACHE, (user.public_id, user))


def forget_user() -> None:
    """End the login in this session (the language choice stays)."""
    session.pop(SESSION_USER, None)
    session.pop(SESSION_VERSION, None)
    session.pop(SESSION_LOGIN, None)
    g.pop(_CACHE, None)


def login_id() -> str:
    """This login's random id (a login from before ids existed gets one now)."""
    value = session.get(SESSION_LOGIN)
    if not isinstance(value, str) or not value:
        value = session[SESSION_LOGIN] = secrets.token_urlsafe(16)
    return value


def login_url() -> str:
    """The login page, coming back here afterwards when this is a page one can come back to."""
    if request.method != "GET":
        return url_for("auth.login")
    here = request.path
    if request.query_string:
        here += "?" + request.query_string.decode("utf-8", "replace")
    return url_for("auth.login", next=here)


def login_required(view: F) -> F:
    """Anonymous visitors are sent to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(login_url())
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Any one of ``roles`` lets the user in; anonymous visitors log in first; others get 403."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(login_url())
            if not any(user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
