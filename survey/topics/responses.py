"""Unsealing a consultation: responses opened, normalised, shuffled, stored without any person.

Called by :func:`survey.rounds.unseal.unseal_round` for a round of kind ``consultation`` after the
parts are checked, so the minimum, the wipe of the sealed data and the storage rewrite are the
answer round's own. Each response to each topic becomes its own row: all rows of all people are
shuffled together before they are written with random ids, so nothing stored links one person's
responses to each other, to another version or to their answers (DESIGN.md section 3).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis import normalise
from survey.crypto.errors import CryptoError
from survey.crypto.responses import Responses, open_responses
from survey.models import Round, SealedAnswer, TopicResponse, TopicVersion, User
from survey.models.summary import random_item_id
from survey.rounds.clock import local_today
from survey.rounds.log import log_event
from survey.rounds.requirements import required_answers
from survey.rounds.unseal import BelowMinimum, UnsealReport, wipe_sealed_data

# An objection that arrives without a reason is kept as one (DESIGN.md section 6).
NO_REASON = "（未说明理由）"

Row = tuple[str | None, str, str]  # (topic key or None for a comment, stance, text)


def unseal_consultation(
    session: Session,
    round_: Round,
    key: ec.EllipticCurvePrivateKey,
    *,
    now: datetime,
    actor: User | None,
) -> UnsealReport:
    """Open every sealed response, store them shuffled, wipe the sealed data."""
    opened, unreadable = _open_all(session, round_, key)
    needed = required_answers(round_)
    if len(opened) < needed:
        raise BelowMinimum(
            _(
                "Only %(valid)d answers could be read (%(unreadable)d could not); at least"
                " %(needed)d valid answers are needed, so this round cannot be unsealed.",
                valid=len(opened),
                unreadable=unreadable,
                needed=needed,
            )
        )
    version = session.scalar(select(TopicVersion).where(TopicVersion.consultation_id == round_.id))
    keys = {t.key for t in version.topics} if version else set()
    rows: list[Row] = []
    unknown = 0
    for responses in opened:
        unknown += _rows_of(responses, keys, rows)
    _write_shuffled(session, round_, rows)
    wipe_sealed_data(session, round_)
    round_.state = "summarising"
    round_.unsealed_on = local_today(now)
    round_.unreadable_answers = unreadable
    round_.unknown_section_texts = unknown
    report = UnsealReport(len(opened), unreadable, unknown, len(rows), 0)
    log_event(session, round_, "unsealed", actor=actor, now=now, **report.__dict__)
    session.flush()
    return report


def _open_all(
    session: Session, round_: Round, key: ec.EllipticCurvePrivateKey
) -> tuple[list[Responses], int]:
    rows = session.scalars(select(SealedAnswer.sealed).where(SealedAnswer.round_id == round_.id))
    opened: list[Responses] = []
    unreadable = 0
    for sealed in rows:
        try:
            opened.append(open_responses(key, sealed, round_.public_id))
        except (CryptoError, ValueError):
            unreadable += 1
    return opened, unreadable


def _rows_of(responses: Responses, keys: set[str], rows: list[Row]) -> int:
    """Append one person's rows; text under an unknown topic id joins the comments (counted)."""
    unknown = 0
    for topic_key, response in responses.by_topic.items():
        text = normalise(response.text).strip()
        if topic_key not in keys:
            if text:
                unknown += 1
                rows.append((None, "comment", text))
            continue
        if response.stance == "object" and not text:
            text = NO_REASON
        rows.append((topic_key, response.stance, text))
    comment = normalise(responses.comment).strip()
    if comment:
        rows.append((None, "comment", comment))
    return unknown


def _write_shuffled(session: Session, round_: Round, rows: list[Row]) -> None:
    """All rows of all people shuffled together, then written with random ids."""
    secrets.SystemRandom().shuffle(rows)
    session.add_all(
        TopicResponse(
            id=random_item_id(),
            consultation_id=round_.id,
            topic_key=topic_key,
            stance=stance,
            text=text,
        )
        for topic_key, stance, text in rows
    )
    session.flush()
