"""Finding rounds for the officers' side, with the lazy deadline check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
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


@dataclass(frozen=True)
class CollectingRound:
    """What token issuance and answer intake need of a round, read by one Core statement (the
    ORM's loading was a large part of a request's cost; docs/performance.md)."""

    id: int
    public_id: str
    state: str
    deadline: datetime | None
    token_key_spki: bytes | None
    token_key_wrapped: bytes | None


_COLLECTING_ROUND = select(
    Round.id,
    Round.public_id,
    Round.state,
    Round.deadline,
    Round.token_key_spki,
    Round.token_key_wrapped,
).where(Round.public_id == bindparam("wanted"))
_COLLECTING_ROUND_SHARED = _COLLECTING_ROUND.with_for_update(read=True)


def find_collecting_round(
    session: Session, public_id: str, *, share: bool = False
) -> CollectingRound:
    """Like :func:`find_officer_round` (404 alike, ``FOR SHARE`` alike), without the ORM."""
    statement = _COLLECTING_ROUND_SHARED if share else _COLLECTING_ROUND
    row = session.connection().execute(statement, {"wanted": public_id}).one_or_none()
    if row is None or row.state not in PUBLIC_STATES:
        raise UnknownRound()
    return CollectingRound(*row)


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
