"""Unsealing a closed round: both parts of the opening code open every answer (DESIGN.md §2, §3).

Every sealed answer is opened; one that does not open or parse is counted and reported, never
dropped silently. Answers are split into normalised opinion items, and all items of all answers
are shuffled together before they are written, with random ids and no time, in the same
transaction that deletes the sealed rows, drops the hashes kept for identical retries, wipes
the wrapped sealing key and flags the round for a storage rewrite. The storage is rewritten
afterwards, outside this transaction (:mod:`survey.rounds.storage`).

An unseal interrupted at any point resumes: before its commit nothing happened (the transaction
rolls back) and it is simply run again; after it, the round is unsealed with its rewrite pending,
and running the unseal again finishes the rewrite (:func:`interrupted_report`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from survey.analysis import split_opinions
from survey.crypto import opening, seal
from survey.crypto.errors import (
    CorruptKeyBlob,
    CryptoError,
    OpeningCodeError,
    OpeningCodeTypo,
    SamePartTwice,
    WrongOpeningCode,
)
from survey.errors import Conflict, InvalidInput
from survey.faults import kill_point
from survey.models import OpinionItem, Round, RoundEvent, SealedAnswer, Section, SpentToken, User
from survey.models.summary import random_item_id
from survey.rounds.clock import local_today
from survey.rounds.errors import WrongState
from survey.rounds.labels import OTHER_SECTION_TITLE
from survey.rounds.lifecycle import lock_round
from survey.rounds.log import log_event
from survey.rounds.requirements import required_answers
from survey.rounds.storage import mark_for_rewrite
from survey.summary.themes import group_round


class BelowMinimum(Conflict):
    """Too few valid answers to unseal without exposing individuals."""

    code = "below_minimum"


class OpeningRefused(InvalidInput):
    """The typed parts do not open this round; nothing was changed."""

    code = "opening_refused"

    def __init__(self, message: str, part_number: int | None = None) -> None:
        super().__init__(message, part_number=part_number)
        self.part_number = part_number


class DamagedKey(Conflict):
    """The round's wrapped sealing key cannot be read."""

    code = "damaged_key"


@dataclass(frozen=True)
class UnsealReport:
    """What unsealing found: counts only, never any content or order."""

    answers: int
    unreadable: int
    unknown_section_texts: int
    items: int
    themes: int


def check_can_unseal(round_: Round) -> None:
    """Refuse a round that is not closed, or that closed below the minimum."""
    if round_.state != "closed":
        raise WrongState(_("Only a closed round can be unsealed."))
    received = round_.answers_at_close or 0
    needed = required_answers(round_)
    if received < needed:
        raise BelowMinimum(below_minimum_message(received, needed))


def below_minimum_message(received: int, needed: int) -> str:
    return _(
        "This round cannot be unsealed: %(received)d answers were received and at least"
        " %(needed)d valid answers are needed (the minimum plus one per committee member among"
        " the participants), so that nobody's answer can be picked out.",
        received=received,
        needed=needed,
    )


def unseal_round(
    session: Session,
    round_: Round,
    part_a: str,
    part_b: str,
    *,
    now: datetime,
    actor: User | None,
) -> UnsealReport:
    """Open every answer with both parts, store shuffled items, wipe the sealed data."""
    lock_round(session, round_)
    check_can_unseal(round_)
    key = unwrap_key(round_, part_a, part_b)
    if round_.kind == "consultation":
        # Responses to topics: the same checks, wipe and rewrite, a different plaintext.
        from survey.topics.responses import unseal_consultation

        return unseal_consultation(session, round_, key, now=now, actor=actor)
    answers, unreadable = open_answers(session, round_, key)
    needed = required_answers(round_)
    if len(answers) < needed:
        raise BelowMinimum(
            _(
                "Only %(valid)d answers could be read (%(unreadable)d could not); at least"
                " %(needed)d valid answers are needed, so this round cannot be unsealed.",
                valid=len(answers),
                unreadable=unreadable,
                needed=needed,
            )
        )
    texts, unknown = place_texts(session, round_, answers)
    items = write_shuffled_items(session, round_, texts)
    kill_point("unseal:items-written")
    wipe_sealed_data(session, round_)
    round_.state = "summarising"
    round_.unsealed_on = local_today(now)
    round_.unreadable_answers = unreadable
    round_.unknown_section_texts = unknown
    themes = group_round(session, round_)
    report = UnsealReport(len(answers), unreadable, unknown, items, themes)
    log_event(session, round_, "unsealed", actor=actor, now=now, **report.__dict__)
    session.flush()
    kill_point("unseal:before-commit")
    return report


def interrupted_report(session: Session, round_: Round) -> UnsealReport | None:
    """The report of an unseal that committed but whose storage rewrite has not finished.

    None for any other round. Running the unseal again then only finishes the rewrite: the
    answers are already opened, and the key to open them again is gone.
    """
    if round_.state == "closed" or round_.unsealed_on is None:
        return None
    if not round_.storage_rewrite_pending:
        return None
    detail = session.scalar(
        select(RoundEvent.detail)
        .where(RoundEvent.round_id == round_.id, RoundEvent.kind == "unsealed")
        .order_by(RoundEvent.id.desc())
        .limit(1)
    )
    if detail is None:
        return None
    fields = UnsealReport.__dataclass_fields__
    return UnsealReport(**{name: int(str(detail.get(name) or 0)) for name in fields})


def unwrap_key(round_: Round, part_a: str, part_b: str) -> ec.EllipticCurvePrivateKey:
    """The sealing private key, or a clear refusal naming the part that is wrong."""
    if round_.seal_key_wrapped is None:
        raise DamagedKey(_("This round has no sealing key left to open."))
    try:
        return opening.unwrap_seal_key(round_.seal_key_wrapped, part_a, part_b)
    except CorruptKeyBlob:
        raise DamagedKey(_("The round's stored key is damaged; it cannot be opened.")) from None
    except OpeningCodeError as error:
        raise refusal(error) from None


def refusal(error: OpeningCodeError) -> OpeningRefused:
    """A sentence for each way the typed parts can fail."""
    number = getattr(error, "part_number", None)
    if isinstance(error, OpeningCodeTypo):
        if number is None:
            message = _(
                "A part is mistyped: each part starts with its number, 1 or 2, and has 16"
                " characters in four groups."
            )
        else:
            message = _(
                "Part %(n)d is mistyped (a character is wrong, missing or swapped). Check each"
                " group and type it again.",
                n=number,
            )
    elif isinstance(error, SamePartTwice):
        message = _("The same part was typed twice; both custodians' parts are needed.")
    elif isinstance(error, WrongOpeningCode) and number is not None:
        message = _("Part %(n)d does not open this round. Nothing was changed.", n=number)
    else:
        message = _("The two parts do not open this round. Nothing was changed.")
    return OpeningRefused(message, part_number=number)


def open_answers(
    session: Session, round_: Round, key: ec.EllipticCurvePrivateKey
) -> tuple[list[dict[str, str]], int]:
    """Every sealed answer of the round opened and parsed; (answers, unreadable count)."""
    rows = session.scalars(select(SealedAnswer.sealed).where(SealedAnswer.round_id == round_.id))
    answers: list[dict[str, str]] = []
    unreadable = 0
    for sealed in rows:
        try:
            answers.append(seal.open_answer(key, sealed, round_.public_id))
        except (CryptoError, ValueError):
            unreadable += 1
    return answers, unreadable


def other_section(session: Session, round_: Round) -> Section:
    """「其他意见建议」: where texts under unknown section ids go (added if the form had none)."""
    for section in round_.sections:
        if section.kind == "other":
            return section
    position = max((s.position for s in round_.sections), default=-1) + 1
    section = Section(kind="other", title=OTHER_SECTION_TITLE, position=position)
    round_.sections.append(section)
    session.flush()
    return section


def place_texts(
    session: Session, round_: Round, answers: Iterable[dict[str, str]]
) -> tuple[list[tuple[Section, str]], int]:
    """(section, item text) for every item; texts under unknown section ids are counted."""
    by_key = {section.key: section for section in round_.sections}
    placed: list[tuple[Section, str]] = []
    unknown = 0
    for answer in answers:
        for key, text in answer.items():
            section = by_key.get(key)
            if section is None:
                if not text.strip():
                    continue
                unknown += 1
                section = other_section(session, round_)
            placed.extend((section, item) for item in split_opinions(text))
    return placed, unknown


def write_shuffled_items(session: Session, round_: Round, placed: list[tuple[Section, str]]) -> int:
    """Shuffle all items of all answers together, then write them with random ids."""
    secrets.SystemRandom().shuffle(placed)
    session.add_all(
        OpinionItem(
            id=random_item_id(),
            round_id=round_.id,
            section_id=section.id,
            text=text,
            channel="survey",
            status="active",
        )
        for section, text in placed
    )
    session.flush()
    return len(placed)


def wipe_sealed_data(session: Session, round_: Round) -> None:
    """Delete the sealed rows, drop the retry hashes (receipts stay), wipe the wrapped key.

    Also gives every row of the round this transaction's id and flags the round for the storage
    rewrite that follows the commit (survey/rounds/storage.py).
    """
    session.execute(delete(SealedAnswer).where(SealedAnswer.round_id == round_.id))
    # Every row is rewritten, not only those with a hash, so that on PostgreSQL all of them
    # carry the same transaction id afterwards.
    session.execute(
        update(SpentToken).where(SpentToken.round_id == round_.id).values(sealed_hash=None)
    )
    round_.seal_key_wrapped = None
    round_.pending_opening = None
    mark_for_rewrite(session, round_)
