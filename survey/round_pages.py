"""What every staff audience's round pages need: the signed-in user, a round of their branch,
local time, refusals as flashes. Shared by secretary, committee, custodian and superior pages,
so it belongs to none of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import current_app, flash
from sqlalchemy import select

from survey.auth.decorators import current_user
from survey.errors import Conflict, InvalidInput
from survey.extensions import db
from survey.models import Round, User
from survey.rounds.clock import utcnow
from survey.rounds.errors import UnknownRound
from survey.rounds.lifecycle import close_if_due

T = TypeVar("T")


def signed_in() -> User:
    user = current_user()
    assert user is not None, "guarded by roles_required"
    return user


def branch_round(round_id: str) -> Round:
    """A round of the user's own branch (404 otherwise), closed first if its deadline passed."""
    user = signed_in()
    round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
    if round_ is None or round_.branch_id != user.branch_id:
        raise UnknownRound()
    if close_if_due(db.session, round_, now=utcnow()):
        db.session.commit()
    return round_


def local_to_utc(value: datetime | None) -> datetime | None:
    """A naive local date-time from a form, as naive UTC."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return value.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(value: datetime | None) -> datetime | None:
    """A naive UTC moment as a naive local date-time, for a form field."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def app_secret() -> bytes:
    from survey.config import secret_key_bytes

    return secret_key_bytes(current_app)


def attempt_or_flash(service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a service for a button or small form; a refusal the user can act on is flashed.

    Returns the service's result, or None after rolling back when it refused.
    """
    try:
        return service(*args, **kwargs)
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        flash(error.message, "error")
        return None


def refused(service: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
    """True (after flashing why) when the service refused; False when it went through."""
    return attempt_or_flash(service, *args, **kwargs) is None
