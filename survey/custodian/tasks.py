"""What a custodian has to do now, for their landing page and the committee's round page."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from survey.auth.decorators import current_user
from survey.extensions import db
from survey.models import Round, User
from survey.rounds.clock import utcnow
from survey.rounds.display import localtime
from survey.rounds.lifecycle import below_minimum
from survey.rounds.unseal_parts import pending_part


@dataclass(frozen=True)
class UnsealStatus:
    """Where unsealing of a closed round stands, as one user sees it."""

    number: int | None  # the user's custodian number, None for other committee members
    kept_number: int | None  # the custodian whose part is kept, if any
    kept_by: str
    expires: str
    mine: bool


@dataclass(frozen=True)
class Task:
    text: str
    endpoint: str
    round_id: str
    button: str


def unseal_status(round_: Round, user: User | None = None) -> UnsealStatus:
    user = user or current_user()
    number = None
    if user is not None and user.id in (round_.custodian1_id, round_.custodian2_id):
        number = 1 if user.id == round_.custodian1_id else 2
    kept = pending_part(db.session, round_, now=utcnow()) if round_.state == "closed" else None
    if kept is None:
        return UnsealStatus(number, None, "", "", False)
    giver = round_.custodian1 if kept.number == 1 else round_.custodian2
    return UnsealStatus(
        number,
        kept.number,
        giver.label if giver is not None else "",
        localtime(kept.expires_at),
        user is not None and kept.user_id == user.id,
    )


def custodian_tasks() -> list[Task]:
    """Parts to receive at opening and to give at unseal, for the logged-in user."""
    user = current_user()
    if user is None:
        return []
    rounds = db.session.scalars(
        select(Round)
        .where(
            or_(Round.custodian1_id == user.id, Round.custodian2_id == user.id),
            Round.state.in_(("opening", "closed")),
        )
        .order_by(Round.created_on, Round.title)
    ).all()
    tasks = [_task(round_, user) for round_ in rounds]
    return [task for task in tasks if task is not None]


def _task(round_: Round, user: User) -> Task | None:
    if round_.state == "opening":
        if round_.part1_confirmed and round_.custodian2_id == user.id:
            return Task(
                _(
                    "“%(title)s” waits for you: receive part 2 of the opening code.",
                    title=round_.title,
                ),
                "committee.receive_part",
                round_.public_id,
                _("Receive part 2"),
            )
        return None
    if below_minimum(round_):
        return None
    status = unseal_status(round_, user)
    if status.mine:
        return None
    if status.kept_number is not None:
        text = _(
            "“%(title)s”: %(name)s gave their part. Give yours before %(time)s to open the"
            " answers.",
            title=round_.title,
            name=status.kept_by,
            time=status.expires,
        )
    else:
        text = _(
            "“%(title)s” is closed: give your part of the opening code to unseal it.",
            title=round_.title,
        )
    return Task(text, "custodian.unseal_part", round_.public_id, _("Give my part"))
