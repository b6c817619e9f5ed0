"""Opening a round in two steps, one per custodian of the opening code (DESIGN.md section 3).

Step one: custodian 1 (the secretary who drafted the round) receives part 1, shown once, and
re-types it. Step two: custodian 2 receives part 2 the same way; only then do the round's keys
exist and collecting start. The server keeps neither part (see docs/crypto.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.auth.custody import custodian_problem
from survey.crypto import blindrsa, keywrap, opening, seal
from survey.crypto.errors import OpeningCodeError, OpeningCodeTypo
from survey.models import Round, User
from survey.rounds.clock import local_today, utcnow
from survey.rounds.errors import InvalidRoundSettings, NotAllowed, WrongState
from survey.rounds.invitations import committee_post_now, issue_codes
from survey.rounds.log import log_event
from survey.rounds.requirements import load_participants, required_answers


@dataclass(frozen=True)
class OpeningPolicy:
    """Argon2id cost of the opening code and the secret that wraps the token key."""

    params: opening.Argon2Params
    app_secret: bytes


def start_opening(session: Session, round_: Round, user: User, *, now: datetime) -> str:
    """Step one: create part 1 for custodian 1. Repeating it before confirmation starts over."""
    if round_.state == "opening" and round_.part1_confirmed:
        raise WrongState(
            _("Part 1 is already confirmed; the round waits for the second custodian.")
        )
    if round_.state not in ("draft", "opening"):
        raise WrongState(_("Only a draft round can be opened."))
    _require_custodian(round_, user, 1)
    _check_ready(round_)
    part1 = opening.new_part(1)
    round_.pending_opening = opening.begin_opening(part1, params=current_params())
    round_.state = "opening"
    round_.part1_confirmed = False
    log_event(session, round_, "opening_started", actor=user, now=now)
    session.flush()
    return part1


def confirm_part(
    session: Session, round_: Round, user: User, number: int, typed: str, *, now: datetime
) -> Round:
    """The custodian re-typed their part; check it against what the server derived from it."""
    if round_.state != "opening":
        raise WrongState(_("This round is not being opened."))
    _require_custodian(round_, user, number)
    blob = round_.pending_opening if number == 1 else round_.seal_key_wrapped
    if blob is None or (number == 2 and not round_.part1_confirmed):
        raise WrongState(_("There is no part %(n)d to confirm yet.", n=number))
    try:
        opening.check_part(blob, typed, number)
    except OpeningCodeError as error:
        raise InvalidRoundSettings(opening_error_message(error)) from None
    if number == 1:
        round_.part1_confirmed = True
        log_event(session, round_, "custodian_confirmed", actor=user, now=now, part=1)
    else:
        round_.part2_confirmed = True
        log_event(session, round_, "custodian_confirmed", actor=user, now=now, part=2)
        _start_collecting(session, round_, user, now=now)
    session.flush()
    return round_


def receive_part2(
    session: Session, round_: Round, user: User, secret: bytes, *, now: datetime
) -> str:
    """Step two: create the keys and part 2. Repeating it before confirmation starts over."""
    if round_.state != "opening" or not round_.part1_confirmed:
        raise WrongState(_("The first custodian has not confirmed part 1 yet."))
    _require_custodian(round_, user, 2)
    assert round_.pending_opening is not None
    part2 = opening.new_part(2)
    token_key = blindrsa.generate_token_key()
    seal_key = seal.generate_seal_key()
    round_.seal_key_wrapped = opening.complete_opening(round_.pending_opening, part2, seal_key)
    round_.token_key_wrapped = keywrap.wrap_token_key(token_key, secret, round_.public_id)
    round_.token_key_spki = blindrsa.public_key_spki(token_key)
    round_.seal_public = seal.seal_public_bytes(seal_key)
    round_.fingerprint = seal.round_fingerprint(round_.token_key_spki, round_.seal_public)
    # Codes need the app secret, which only this step has; nobody sees them before collecting.
    issue_codes(round_, secret)
    round_.part2_confirmed = False
    session.flush()
    return part2


def open_round_at_once(
    session: Session, round_: Round, secret: bytes, *, now: datetime
) -> tuple[str, str]:
    """Both steps for the operator (``survey round open``): returns (part 1, part 2)."""
    first, second = round_.custodian1, round_.custodian2
    if first is None or second is None:
        raise InvalidRoundSettings(_("Choose the second custodian before opening."))
    part1 = start_opening(session, round_, first, now=now)
    confirm_part(session, round_, first, 1, part1, now=now)
    part2 = receive_part2(session, round_, second, secret, now=now)
    confirm_part(session, round_, second, 2, part2, now=now)
    return part1, part2


def _start_collecting(session: Session, round_: Round, user: User, *, now: datetime) -> None:
    """Collecting starts: who holds a committee post is recorded now and never read again from
    the roster, so a later roster edit cannot lower the number needed to unseal."""
    if round_.kind != "consultation":  # a consultation keeps what its round recorded
        load_participants(round_, posts=True)
        for invitation in round_.invitations:
            invitation.on_committee = committee_post_now(invitation.member)
    round_.state = "collecting"
    round_.opened_on = local_today(now)
    round_.pending_opening = None
    log_event(
        session,
        round_,
        "opened",
        actor=user,
        now=now,
        participants=len(round_.invitations),
        committee_participants=sum(1 for i in round_.invitations if i.on_committee),
    )


def _require_custodian(round_: Round, user: User, number: int) -> None:
    custodian_id = round_.custodian1_id if number == 1 else round_.custodian2_id
    if custodian_id != user.id:
        raise NotAllowed(_("Only custodian %(n)d of this round can do this.", n=number))


def _check_ready(round_: Round) -> None:
    """A round that could never be unsealed, or has no second lock, must not open."""
    if round_.custodian2 is None:
        raise InvalidRoundSettings(_("Choose the second custodian before opening."))
    problem = custodian_problem(round_)
    if problem is not None:
        raise InvalidRoundSettings(problem)
    if not round_.sections and round_.kind != "consultation":
        raise InvalidRoundSettings(_("The form has no sections."))
    if round_.deadline is not None and round_.deadline <= utcnow():
        raise InvalidRoundSettings(_("The deadline has already passed."))
    needed = required_answers(round_)
    if len(round_.invitations) < needed:
        raise InvalidRoundSettings(
            _(
                "With %(p)d participants the round could never be unsealed: it needs at least"
                " %(n)d answers.",
                p=len(round_.invitations),
                n=needed,
            )
        )


def current_params() -> opening.Argon2Params:
    """Argon2id cost from the configuration (tests lower it)."""
    from flask import current_app

    config = current_app.config
    return opening.Argon2Params(
        memory_kib=int(config["OPENING_ARGON2_MEMORY_KIB"]),
        time_cost=int(config["OPENING_ARGON2_TIME_COST"]),
        parallelism=1,
    )


def opening_error_message(error: OpeningCodeError) -> str:
    """A clear sentence for a mistyped or wrong part, wholly in the reader's language."""
    from survey.crypto.errors import SamePartTwice, WrongOpeningCode

    if isinstance(error, OpeningCodeTypo):
        return _(
            "That part is mistyped: %(why)s Check each group and try again.", why=typo_reason(error)
        )
    if isinstance(error, WrongOpeningCode):
        if error.part_number is None:
            return _("The two parts do not open this round.")
        return _("Part %(n)d does not open this round.", n=error.part_number)
    if isinstance(error, SamePartTwice):
        return _("The same part was typed twice; both custodians' parts are needed.")
    return _("That is not the part this step needs: check its first character, 1 or 2.")


def typo_reason(error: OpeningCodeTypo) -> str:
    """Which check a mistyped part failed, as a sentence."""
    if error.kind == "empty":
        return _("nothing was typed.")
    if error.kind == "number":
        return _("a part starts with its number, 1 or 2.")
    if error.kind == "character":
        return _("it holds a character that never appears in a part.")
    if error.kind == "length":
        return _(
            "a part has 16 characters in four groups of four; %(n)d were typed.",
            n=error.length or 0,
        )
    return _("a character is wrong, missing or swapped.")
