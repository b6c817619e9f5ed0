"""The receipts board: after close, every receipt, so each officer can see theirs was counted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Round, SpentToken
from survey.rounds.errors import UnknownRound

BOARD_STATES = ("closed", "summarising", "consulting", "final", "discarded")


def receipts(session: Session, round_: Round) -> list[str]:
    """Every receipt as lowercase hex, sorted; 404 until the round has closed."""
    if round_.state not in BOARD_STATES:
        raise UnknownRound()
    keys = session.scalars(select(SpentToken.spent_key).where(SpentToken.round_id == round_.id))
    return sorted(key.hex() for key in keys)
