"""Token issuance and answer intake: the officers' side of a collecting round.

Checks run in the order of DESIGN.md section 6, so every client sees the same error for the same
mistake. Nothing here records who asked, from where, or when.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey.crypto import blindrsa, keywrap, seal, tokens
from survey.crypto.errors import CryptoError, InvalidSignature, MalformedInput, WrongRoundToken
from survey.errors import DomainError
from survey.models import Invitation, Round, SealedAnswer, SpentToken
from survey.rounds.errors import (
    AnswerDuplicate,
    BadSignature,
    InvitationReissued,
    InvitationUsed,
    Malformed,
    RoundNotCollecting,
    TokenSpent,
    UnknownInvitation,
    WrongRound,
)
from survey.rounds.invitations import find_hash
from survey.rounds.queries import CollectingRound
from survey.rounds.wire import b64u_decode

# The ORM row (the command line, the demo) or the Core read of the officers' API.
AnyRound = Round | CollectingRound

# Core statements, built once, for the hot path (the ORM's per-statement work was most of the
# cost of a request; docs/performance.md "Intake and issuance").
_CLAIM = (
    update(Invitation)
    .where(
        Invitation.round_id == bindparam("for_round"),
        Invitation.code_hash == bindparam("typed_hash"),
        Invitation.used.is_(False),
        Invitation.superseded.is_(False),
    )
    .values(used=True, blinded_hash=bindparam("blinded"))
)
# ON CONFLICT DO NOTHING: a spent key or sealed bytes already stored write nothing and raise
# nothing, so the transaction stays usable (no savepoint) to find out which, and why.
# rowcount is kept (preserve_rowcount): without it psycopg reports -1 for an INSERT.
_SPEND_SQLITE = (
    sqlite_insert(SpentToken).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
)
_SPEND_POSTGRES = (
    postgresql_insert(SpentToken)
    .on_conflict_do_nothing()
    .execution_options(preserve_rowcount=True)
)
_STORE = insert(SealedAnswer)


def _count_nothing() -> None:
    """The default admission: no global limit (the command line, the demo)."""


def _field_bytes(body: dict[str, Any], name: str) -> bytes:
    try:
        return b64u_decode(body.get(name))
    except ValueError:
        raise Malformed(f"{name} must be base64url") from None


def _rsa_modulus_bytes(round_: AnyRound) -> tuple[int, int]:
    assert round_.token_key_spki is not None
    public = blindrsa.load_public_spki(round_.token_key_spki)
    n = public.public_numbers().n
    return n, (n.bit_length() + 7) // 8


@dataclass(frozen=True)
class PendingSignature:
    """An invitation already recorded as used, and what is needed to sign for it.

    The caller commits first and signs afterwards, so the slow RSA operation never holds the
    database's write lock. That is safe: after a failure between the two, the same blinded
    message asks again and gets the same signature.
    """

    round_id: str
    wrapped_key: bytes
    blinded_msg: bytes

    def sign(self, secret: bytes) -> bytes:
        key = keywrap.unwrap_token_key(self.wrapped_key, secret, self.round_id)
        return blindrsa.blind_sign(key, self.blinded_msg)


def issue_token(
    session: Session,
    round_: AnyRound,
    body: dict[str, Any],
    secret: bytes,
    *,
    admit: Callable[[], None] = _count_nothing,
) -> PendingSignature:
    """Check the invitation and record it as used (no time); the signature comes after commit.

    ``admit`` is called once the invitation is found unused and claimed (real work, DESIGN.md
    section 3 "Flooding"); when it raises, the caller rolls the claim back.
    """
    if round_.state != "collecting" or round_.token_key_wrapped is None:
        raise RoundNotCollecting()
    blinded = _field_bytes(body, "blinded_msg")
    code = body.get("invitation")
    if not isinstance(code, str) or not code.strip():
        raise Malformed("invitation must be a string")
    n, k = _rsa_modulus_bytes(round_)
    if len(blinded) != k or int.from_bytes(blinded, "big") >= n:  # RFC 9474 §4.3 step 1-2
        raise Malformed("blinded_msg must be an integer below n, k bytes long")
    code_hash = find_hash(round_, code, secret)
    if _claim(session, round_, code_hash, hashlib.sha256(blinded).digest()):
        admit()
    return PendingSignature(round_.public_id, round_.token_key_wrapped, blinded)


def _claim(session: Session, round_: AnyRound, code_hash: bytes, blinded_hash: bytes) -> bool:
    """Record the invitation as used for this blinded message; the same message may ask again.
    True when it was unused until now, False for the same message asking again.

    One conditional UPDATE does it on the usual path; only a refusal looks further, in the
    order of DESIGN.md section 6 (unknown, reissued, then used by another message).
    """
    claimed = session.connection().execute(
        _CLAIM, {"for_round": round_.id, "typed_hash": code_hash, "blinded": blinded_hash}
    )
    if claimed.rowcount == 1:
        return True
    invitation = session.scalar(select(Invitation).where(Invitation.code_hash == code_hash))
    if invitation is None or invitation.round_id != round_.id:
        raise UnknownInvitation()
    if invitation.superseded:
        raise InvitationReissued()
    same = invitation.blinded_hash is not None and secrets.compare_digest(
        invitation.blinded_hash, blinded_hash
    )
    if not same:
        raise InvitationUsed()
    return False


def identical_retry(session: Session, round_: AnyRound, body: dict[str, Any]) -> str | None:
    """The receipt of an already accepted answer sent again byte for byte, else None."""
    try:
        token = b64u_decode(body.get("token"))
        sealed = b64u_decode(body.get("sealed"))
    except ValueError:
        return None
    spent = session.get(SpentToken, tokens.spent_key(token))
    if spent is None or spent.round_id != round_.id or spent.sealed_hash is None:
        return None
    if secrets.compare_digest(spent.sealed_hash, hashlib.sha256(sealed).digest()):
        return spent.spent_key.hex()
    return None


def accept_answer(
    session: Session,
    round_: AnyRound,
    body: dict[str, Any],
    *,
    admit: Callable[[], None] = _count_nothing,
) -> str:
    """Verify the token, spend it and store the sealed answer in one transaction; the receipt.

    ``admit`` is called only for an answer that verified and was stored (real work, DESIGN.md
    section 3 "Flooding"); when it raises, nothing of this answer is kept.

    An identical retry of an accepted answer wins over every other outcome (DESIGN.md section
    6). It is looked for only when something else would refuse the request, so the usual path
    costs no extra query: then the UNIQUE spent key is what notices it.
    """
    try:
        token, sealed = _checked_answer(round_, body)
    except DomainError:
        receipt = identical_retry(session, round_, body)
        if receipt is not None:
            return receipt
        raise
    return _spend_and_store(session, round_, token, sealed, admit)


def _checked_answer(round_: AnyRound, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """410, 400, then 403, in that order; the token and sealed bytes when all is well."""
    if round_.state != "collecting":
        raise RoundNotCollecting()
    token = _field_bytes(body, "token")
    signature = _field_bytes(body, "signature")
    sealed = _field_bytes(body, "sealed")
    _check_answer_shape(round_, token, signature, sealed)
    try:
        tokens.parse_token(token, round_.public_id)
    except WrongRoundToken:
        raise WrongRound() from None
    assert round_.token_key_spki is not None
    try:
        blindrsa.verify(blindrsa.load_public_spki(round_.token_key_spki), token, signature)
    except InvalidSignature:
        raise BadSignature() from None
    return token, sealed


def _check_answer_shape(round_: AnyRound, token: bytes, signature: bytes, sealed: bytes) -> None:
    """400 malformed: a token shorter than its layout, wrong lengths or sealed size."""
    try:
        tokens.parse_token(token, round_.public_id)
    except WrongRoundToken:
        pass
    except MalformedInput as error:
        raise Malformed(str(error)) from None
    n, k = _rsa_modulus_bytes(round_)
    if len(signature) != k or int.from_bytes(signature, "big") >= n:
        raise Malformed("signature must be an integer below n, k bytes long")
    try:
        seal.check_sealed_size(len(sealed))
    except CryptoError as error:
        raise Malformed(str(error)) from None


def _spend_and_store(
    session: Session, round_: AnyRound, token: bytes, sealed: bytes, admit: Callable[[], None]
) -> str:
    """Spend ``SHA-256(input_msg)`` under its UNIQUE key and store the answer, atomically.

    Two UNIQUE constraints decide, so racing requests cannot both pass: the spent key (a token
    already spent, by this very answer or another) and the sealed-bytes hash per round (the same
    sealed answer under another token: a replay). A refused spend writes nothing; the refusal
    is worked out afterwards, in the order of DESIGN.md section 6.
    """
    spent_key = tokens.spent_key(token)
    sealed_hash = hashlib.sha256(sealed).digest()
    connection = session.connection()
    spend = _SPEND_SQLITE if connection.dialect.name == "sqlite" else _SPEND_POSTGRES
    spent = connection.execute(
        spend, {"spent_key": spent_key, "round_id": round_.id, "sealed_hash": sealed_hash}
    )
    if spent.rowcount != 1:
        # A UNIQUE key said no (nothing was written): this very answer again, or a refusal.
        _refuse_stored(session, spent_key, sealed_hash)
        return spent_key.hex()
    connection.execute(
        _STORE, {"id": secrets.token_bytes(16), "round_id": round_.id, "sealed": sealed}
    )
    admit()  # a refusal here fails the request before commit: nothing of this answer stays
    return spent_key.hex()


def _refuse_stored(session: Session, spent_key: bytes, sealed_hash: bytes) -> None:
    """After a UNIQUE key refused the spend: return for an identical retry, else token_spent or
    answer_duplicate."""
    spent = session.get(SpentToken, spent_key, populate_existing=True)
    if spent is None:
        raise AnswerDuplicate() from None
    if spent.sealed_hash is not None and secrets.compare_digest(spent.sealed_hash, sealed_hash):
        return
    raise TokenSpent() from None
