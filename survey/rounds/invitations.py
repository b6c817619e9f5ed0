"""Invitation codes and links; late participants and reissues while collecting.

A code exists in plaintext only in memory: the database keeps a keyed hash that finds it and an
encryption that lets the secretary show it again (survey/crypto/invitation_codes.py). Showing a
code is done by :mod:`survey.rounds.showing`, which counts every showing after the first.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import invitation_codes
from survey.models import Invitation, Member, Round, User
from survey.models.base import random_id
from survey.rounds.errors import InvalidRoundSettings, WrongState
from survey.rounds.log import log_event

if TYPE_CHECKING:
    from survey.rounds.queries import CollectingRound

# Lowercase letters and digits without look-alikes (no 0/o, 1/l/i): 31 symbols.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# 26 symbols of a 31-symbol alphabet carry 128.8 bits (DESIGN.md section 6: at least 128).
CODE_LENGTH = 26
MAX_REASON = 300


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed by hand: either case, with or without spaces or dashes."""
    return "".join(text.split()).replace("-", "").lower()


def display_code(code: str) -> str:
    """Groups of four for reading aloud and typing: ``abcd efgh …``."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def invitation_link(public_url: str, round_: Round, code: str) -> str:
    """``{public}/i#r=…&c=…&fp=…``: the code travels only in the fragment."""
    return f"{public_url.rstrip('/')}/i#r={round_.public_id}&c={code}&fp={round_.fingerprint}"


def assign_code(round_: Round, invitation: Invitation, secret: bytes) -> None:
    """Give ``invitation`` a fresh code, kept only as its keyed hash and its encryption."""
    if invitation.public_id is None:  # the column default is applied only at flush
        invitation.public_id = random_id()
    code = new_code()
    invitation.code_hash = invitation_codes.find_hash(secret, round_.public_id, code)
    invitation.code_sealed = invitation_codes.seal_code(
        secret, round_.public_id, invitation.public_id, code
    )
    invitation.times_shown = 0


def issue_codes(round_: Round, secret: bytes) -> None:
    """Give every participant a fresh code (when the round's keys are made at open)."""
    for invitation in round_.invitations:
        assign_code(round_, invitation, secret)


def code_of(round_: Round, invitation: Invitation, secret: bytes) -> str:
    """Decrypt an invitation's code. Only :mod:`survey.rounds.showing` calls this for people."""
    if invitation.code_sealed is None:
        raise WrongState(_("This invitation has no code yet."))
    return invitation_codes.open_code(
        invitation.code_sealed, secret, round_.public_id, invitation.public_id
    )


def find_hash(round_: Round | CollectingRound, typed: str, secret: bytes) -> bytes:
    """The keyed hash a typed code would be stored under (what a typo gives finds nothing)."""
    return invitation_codes.find_hash(secret, round_.public_id, normalise_code(typed))


def find_invitation(
    session: Session, round_: Round, typed: str, secret: bytes
) -> Invitation | None:
    """The round's invitation (current or replaced) whose code was typed, else None."""
    hashed = find_hash(round_, typed, secret)
    return session.scalar(
        select(Invitation).where(Invitation.round_id == round_.id, Invitation.code_hash == hashed)
    )


def committee_post_now(member: Member) -> bool:
    """Whether a member holds a committee post today (recorded for a round when it opens)."""
    return bool(member.posts)


def add_participant(
    session: Session,
    round_: Round,
    member: Member,
    actor: User | None,
    secret: bytes,
    *,
    now: datetime,
) -> Invitation:
    """A late participant while collecting, with their post recorded as of now; logged."""
    if round_.state != "collecting":
        raise WrongState(_("Participants can be added late only while the round is collecting."))
    if member.branch_id != round_.branch_id or not member.active:
        raise InvalidRoundSettings(_("Participants must be active members of this branch."))
    if any(i.member_id == member.id and not i.superseded for i in round_.invitations):
        raise InvalidRoundSettings(_("%(name)s is already a participant.", name=member.name))
    invitation = Invitation(member=member, added_late=True, on_committee=committee_post_now(member))
    assign_code(round_, invitation, secret)
    round_.invitations.append(invitation)
    log_event(session, round_, "participant_added", actor=actor, now=now, member=member.name)
    session.flush()
    return invitation


def reissue_invitation(
    session: Session,
    invitation: Invitation,
    actor: User | None,
    reason: str,
    secret: bytes,
    *,
    now: datetime,
) -> Invitation:
    """A new code for the same person; the old one answers ``invitation_reissued``. Logged."""
    round_ = invitation.round
    if round_.state != "collecting":
        raise WrongState(_("Invitations can be reissued only while the round is collecting."))
    if invitation.superseded:
        raise WrongState(_("This invitation was already replaced."))
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidRoundSettings(
            _("Give a reason for the reissue (at most %(n)d characters).", n=MAX_REASON)
        )
    invitation.superseded = True
    invitation.code_sealed = None  # a replaced code is never shown again; its hash still answers
    replacement = Invitation(
        member=invitation.member,
        added_late=invitation.added_late,
        on_committee=invitation.on_committee,
    )
    assign_code(round_, replacement, secret)
    round_.invitations.append(replacement)
    log_event(
        session,
        round_,
        "invitation_reissued",
        actor=actor,
        now=now,
        member=invitation.member.name,
        reason=reason,
        was_used=invitation.used,
    )
    session.flush()
    return replacement


def reissue_count(round_: Round) -> int:
    return sum(1 for i in round_.invitations if i.superseded)


def shown_again_count(round_: Round) -> int:
    """Showings of codes after their first (the hand-out), replaced invitations included."""
    return sum(max(0, i.times_shown - 1) for i in round_.invitations)


def used_count(round_: Round) -> int:
    """Invitations used, reissued codes included (each may have produced a token)."""
    return sum(1 for i in round_.invitations if i.used)


def current_with_codes(round_: Round) -> list[Invitation]:
    """The invitations in force, by name: what slips, exports and the CLI list."""
    listed = [i for i in round_.invitations if not i.superseded and i.code_sealed]
    return sorted(listed, key=lambda i: (i.member.name, i.member.note, i.id))


def fingerprint_groups(fingerprint: str | None, digits: int = 16) -> str:
    """The first 16 hex digits in groups of four, as printed on slips and notice boards."""
    head = (fingerprint or "")[:digits]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))
