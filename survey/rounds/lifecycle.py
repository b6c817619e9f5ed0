"""Closing, extending and discarding rounds. A deadline is checked whenever a round is touched."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from survey.models import Round, SealedAnswer, SpentToken, User
from survey.rounds.clock import local_today
from survey.rounds.errors import InvalidRoundSettings, WrongState
from survey.rounds.log import log_event
from survey.rounds.requirements import required_answers
from survey.rounds.storage import mark_for_rewrite

if TYPE_CHECKING:
    from survey.rounds.queries import CollectingRound


def due(round_: Round | CollectingRound, now: datetime) -> bool:
    """A collecting round whose deadline has passed."""
    return round_.state == "collecting" and round_.deadline is not None and now >= round_.deadline


def close_if_due(session: Session, round_: Round, *, now: datetime) -> bool:
    """Close a collecting round whose deadline has passed; True when it closed now.

    Checked again under the round's row lock, so the deadline closes a round exactly once
    however many requests notice it at the same moment.
    """
    if not due(round_, now):
        return False
    lock_round(session, round_)
    if not due(round_, now):
        return False
    close_round(session, round_, None, now=now, reason="deadline")
    return True


def lock_round(session: Session, round_: Round) -> None:
    """Lock the round's row for a change of state, and read it again under the lock.

    PostgreSQL: ``FOR UPDATE`` waits until every intake and issuance holding the row ``FOR
    SHARE`` has committed, and holds new ones back until this transaction ends: the count at
    close is exact and nothing is accepted after it. SQLite: the transaction already holds the
    database's write lock (``BEGIN IMMEDIATE``).
    """
    # The row must be fetched: only then does populate_existing refresh ``round_``.
    session.scalars(
        select(Round)
        .where(Round.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def close_round(
    session: Session, round_: Round, actor: User | None, *, now: datetime, reason: str = "manual"
) -> Round:
    """Stop collecting: destroy the token signing key and count the answers received."""
    lock_round(session, round_)
    if round_.state != "collecting":
        raise WrongState(_("Only a collecting round can be closed."))
    round_.state = "closed"
    round_.token_key_wrapped = None
    round_.closed_on = local_today(now)
    round_.answers_at_close = count_sealed(session, round_)
    log_event(session, round_, "closed", actor=actor, now=now, reason=reason)
    session.flush()
    return round_


def count_sealed(session: Session, round_: Round) -> int:
    """Sealed answers stored for the round. Never shown while it is collecting."""
    return int(
        session.scalar(
            select(func.count()).select_from(SealedAnswer).where(SealedAnswer.round_id == round_.id)
        )
        or 0
    )


def extend_deadline(
    session: Session, round_: Round, actor: User | None, deadline: datetime | None, *, now: datetime
) -> Round:
    """Move the deadline later (or remove it); logged. Never earlier than now."""
    if round_.state != "collecting":
        raise WrongState(_("The deadline can be changed only while the round is collecting."))
    if deadline is not None and deadline <= now:
        raise InvalidRoundSettings(_("The new deadline must be in the future."))
    if deadline is not None and round_.deadline is not None and deadline < round_.deadline:
        raise InvalidRoundSettings(_("A deadline can only be extended, not brought forward."))
    previous = round_.deadline
    round_.deadline = deadline
    log_event(
        session,
        round_,
        "deadline_extended",
        actor=actor,
        now=now,
        previous=previous.isoformat() if previous else None,
        deadline=deadline.isoformat() if deadline else None,
    )
    session.flush()
    return round_


def below_minimum(round_: Round) -> bool:
    """A closed round with fewer answers than unsealing needs."""
    return round_.state == "closed" and (round_.answers_at_close or 0) < required_answers(round_)


def discard_round(session: Session, round_: Round, actor: User | None, *, now: datetime) -> Round:
    """Give up a round that closed below the minimum: wipe its sealed data; logged.

    The caller rewrites the storage after the commit (survey/rounds/storage.py).
    """
    if not below_minimum(round_):
        raise WrongState(_("Only a closed round below the minimum can be discarded."))
    session.execute(delete(SealedAnswer).where(SealedAnswer.round_id == round_.id))
    session.execute(
        update(SpentToken).where(SpentToken.round_id == round_.id).values(sealed_hash=None)
    )
    round_.seal_key_wrapped = None
    round_.pending_opening = None
    round_.state = "discarded"
    log_event(session, round_, "discarded", actor=actor, now=now, answers=round_.answers_at_close)
    mark_for_rewrite(session, round_)
    session.flush()
    return round_
