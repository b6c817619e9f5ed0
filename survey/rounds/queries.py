"""Finding rounds for the officers' side, with the lazy deadline check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Round
from survey.rounds.errors import UnknownRound
from survey.rounds.lifecycle import close_if_due

# States officers may see; a draft or a round still being opened does not exist for them.
PUBLIC_STATES = {
    "collecting": "collecting",
    "closed": "closed",
    "summarising": "unsealed",
    "consulting": "unsealed",
    "final": "unsealed",
    "discarded": "discarded",
}


def public_state(round_: Round) -> str:
    return PUBLIC_STATES[round_.state]


def find_officer_round(session: Session, public_id: str, *, share: bool = False) -> Round:
    """The round officers may see, read afresh; with ``share``, locked ``FOR SHARE``.

    Intake and issuance hold the round's row ``FOR SHARE`` on PostgreSQL until they commit, so
    a close or unseal (``FOR UPDATE``) waits for them and they wait for it: the state they
    check is the state their rows are committed under. The deadline is not looked at here.
    """
    statement = select(Round).where(Round.public_id == public_id)
    if share:
        statement = statement.with_for_update(read=True)
    round_ = session.scalar(statement.execution_options(populate_existing=True))
    if round_ is None or round_.state not in PUBLIC_STATES:
        raise UnknownRound()
    return round_


def find_public_round(session: Session, public_id: str, *, now: datetime) -> tuple[Round, bool]:
    """The round officers may see, closed first if its deadline passed; (round, closed_now)."""
    round_ = session.scalar(select(Round).where(Round.public_id == public_id))
    if round_ is None or round_.state not in PUBLIC_STATES:
        raise UnknownRound()
    closed_now = close_if_due(session, round_, now=now)
    return round_, closed_now
