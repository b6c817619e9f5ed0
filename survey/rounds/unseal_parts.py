"""Unsealing in two sessions: each custodian gives their own part, in their own login.

DESIGN.md section 3, "One person, two parts": a form taking both parts in one browser lets
whoever owns that machine capture the other part. So each custodian types only their own part,
logged in as themselves. The first part given is checked against the round's wrapped key (a wrong
part is refused at once, naming it), then kept until the second arrives or it expires:

- in the database, so any worker or host may receive the second part;
- never in plaintext: AES-256-GCM under a key derived by HKDF from the app secret, which is not in
  the database, with the round, the part number and the expiry bound in as associated data, so a
  copy of the database alone recovers nothing and a row edited to live longer no longer opens
  (docs/crypto.md);
- for :data:`DEFAULT_TTL` at most; an expired part is deleted when it is next looked at.

The second part must come from the other custodian's account and from another login session than
the first. It opens the answers with the same :func:`survey.rounds.unseal.unseal_round` the command
line uses (which keeps its one-step path), and the kept part is deleted in the same transaction.
Consultations on topics are rounds too, so they are unsealed the same way.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import keywrap
from survey.crypto.errors import KeyUnwrapFailed, OpeningCodeError, WrongPartNumber
from survey.crypto.opening import check_part, parse_part
from survey.errors import Conflict
from survey.models import Round, User
from survey.models.custody import UnsealPart
from survey.rounds.errors import NotAllowed
from survey.rounds.log import log_event
from survey.rounds.unseal import (
    DamagedKey,
    OpeningRefused,
    UnsealReport,
    check_can_unseal,
    refusal,
    unseal_round,
)

DEFAULT_TTL = timedelta(minutes=15)
_INFO = b"svy-unseal-part-v1\x00"
_MARK = b"svy-unseal-login-v1\x00"


class PartRefused(Conflict):
    """This part cannot be taken now (given twice, or from the same login as the other)."""

    code = "part_refused"


@dataclass(frozen=True)
class Waiting:
    """The part is kept; the other custodian has until ``expires_at`` to give theirs."""

    number: int
    expires_at: datetime


def login_mark(secret: bytes, login_id: str) -> bytes:
    """A value naming one login session without storing its id (HMAC under the app secret)."""
    return hmac.new(
        keywrap.secret_bytes(secret), _MARK + login_id.encode(), hashlib.sha256
    ).digest()


def custodian_number(round_: Round, user: User) -> int:
    """1 or 2 for the round's custodians; anyone else is refused."""
    if user.id == round_.custodian1_id:
        return 1
    if user.id == round_.custodian2_id:
        return 2
    raise NotAllowed(_("Only the two custodians of this round can give a part."))


def pending_part(session: Session, round_: Round, *, now: datetime) -> UnsealPart | None:
    """The part kept for ``round_``, if any and not expired (an expired one is deleted)."""
    part = session.scalar(select(UnsealPart).where(UnsealPart.round_id == round_.id))
    if part is not None and part.expires_at <= now:
        session.delete(part)
        session.flush()
        return None
    return part


def give_unseal_part(
    session: Session,
    round_: Round,
    user: User,
    typed: str,
    secret: bytes,
    *,
    login_id: str,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    browser_id: str | None = None,
) -> Waiting | UnsealReport:
    """A custodian gives their part: kept if it is the first, or the answers are opened."""
    check_can_unseal(round_)
    number = custodian_number(round_, user)
    _check_typed_part(round_, typed, number)
    mark = login_mark(secret, login_id)
    browser = login_mark(secret, "browser:" + browser_id) if browser_id else None
    kept = pending_part(session, round_, now=now)
    log_event(session, round_, "unseal_part_given", actor=user, now=now, custodian=number)
    if kept is None:
        expires_at = now + ttl
        session.add(
            UnsealPart(
                round_id=round_.id,
                number=number,
                user_id=user.id,
                login_mark=mark,
                browser_mark=browser,
                sealed=keywrap.seal_bytes(
                    parse_part(typed).text.encode("ascii"),
                    secret,
                    _binding(round_, number, expires_at),
                ),
                given_at=now,
                expires_at=expires_at,
            )
        )
        session.flush()
        return Waiting(number, expires_at)
    _check_second(kept, user, number, mark, browser)
    first = _open(kept, round_, secret)
    session.delete(kept)
    session.flush()
    return unseal_round(session, round_, first, typed, now=now, actor=user)


def withdraw_unseal_part(session: Session, round_: Round, user: User, *, now: datetime) -> bool:
    """The custodian who gave the kept part takes it back; True when there was one."""
    number = custodian_number(round_, user)
    kept = pending_part(session, round_, now=now)
    if kept is None or kept.user_id != user.id:
        return False
    session.delete(kept)
    log_event(session, round_, "unseal_part_withdrawn", actor=user, now=now, custodian=number)
    session.flush()
    return True


def _check_typed_part(round_: Round, typed: str, number: int) -> None:
    """Refuse a mistyped part, the other custodian's part, or a part of another round."""
    if round_.seal_key_wrapped is None:
        raise DamagedKey(_("This round has no sealing key left to open."))
    try:
        check_part(round_.seal_key_wrapped, typed, number)
    except WrongPartNumber:
        raise OpeningRefused(
            _(
                "You are custodian %(n)d: type your own part, the one that starts with %(n)d."
                " The other custodian gives theirs in their own login.",
                n=number,
            ),
            part_number=number,
        ) from None
    except OpeningCodeError as error:
        raise refusal(error) from None


def _check_second(
    kept: UnsealPart, user: User, number: int, mark: bytes, browser: bytes | None
) -> None:
    """The second part comes from the other custodian, in another login and browser."""
    if kept.number == number or kept.user_id == user.id:
        raise PartRefused(
            _(
                "Your part is already kept. Now the other custodian gives theirs, in their own"
                " login."
            )
        )
    same_browser = (
        browser is not None
        and kept.browser_mark is not None
        and hmac.compare_digest(kept.browser_mark, browser)
    )
    if hmac.compare_digest(kept.login_mark, mark) or same_browser:
        raise PartRefused(
            _(
                "Both parts cannot be given from one browser. The other custodian gives their part"
                " on their own phone or computer, logged in as themselves."
            )
        )


def _binding(round_: Round, number: int, expires_at: datetime) -> bytes:
    """Associated data: the round, the part number and the expiry (a longer life does not open)."""
    return (
        _INFO
        + round_.public_id.encode("ascii")
        + b"\x00"
        + bytes([number])
        + expires_at.isoformat(timespec="microseconds").encode("ascii")
    )


def _open(kept: UnsealPart, round_: Round, secret: bytes) -> str:
    try:
        plain = keywrap.open_bytes(
            kept.sealed, secret, _binding(round_, kept.number, kept.expires_at)
        )
    except KeyUnwrapFailed:
        raise PartRefused(
            _(
                "The part kept from the other custodian cannot be read (the server's secret key"
                " changed, or the record was altered). They must give it again."
            )
        ) from None
    return plain.decode("ascii")
