"""Invitation codes and links; late participants and reissues while collecting."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.models import Invitation, Member, Round, User
from survey.rounds.errors import InvalidRoundSettings, WrongState
from survey.rounds.log import log_event

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


def issue_codes(round_: Round) -> None:
    """Give every participant without a code a fresh one (at open)."""
    for invitation in round_.invitations:
        if invitation.code is None:
            invitation.code = new_code()


def add_participant(
    session: Session, round_: Round, member: Member, actor: User | None, *, now: datetime
) -> Invitation:
    """A late participant while collecting; logged."""
    if round_.state != "collecting":
        raise WrongState(_("Participants can be added late only while the round is collecting."))
    if member.branch_id != round_.branch_id or not member.active:
        raise InvalidRoundSettings(_("Participants must be active members of this branch."))
    if any(i.member_id == member.id and not i.superseded for i in round_.invitations):
        raise InvalidRoundSettings(_("%(name)s is already a participant.", name=member.name))
    invitation = Invitation(member=member, code=new_code(), added_late=True)
    round_.invitations.append(invitation)
    log_event(session, round_, "participant_added", actor=actor, now=now, member=member.name)
    session.flush()
    return invitation


def reissue_invitation(
    session: Session, invitation: Invitation, actor: User | None, reason: str, *, now: datetime
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
    replacement = Invitation(
        member=invitation.member, code=new_code(), added_late=invitation.added_late
    )
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


def used_count(round_: Round) -> int:
    """Invitations used, reissued codes included (each may have produced a token)."""
    return sum(1 for i in round_.invitations if i.used)


def current_with_codes(round_: Round) -> list[Invitation]:
    """The invitations in force, by name: what slips, exports and the CLI list."""
    listed = [i for i in round_.invitations if not i.superseded and i.code]
    return sorted(listed, key=lambda i: (i.member.name, i.member.note, i.id))


def neutralise_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading ' stops that."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def invitations_csv(round_: Round, public_url: str, *, bom: bool = False) -> str:
    """``name,link,code`` with ``\\n`` line ends; a byte-order mark only for Excel downloads."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "link", "code"])
    for invitation in current_with_codes(round_):
        assert invitation.code is not None
        name = invitation.member.name + (
            f"（{invitation.member.note}）" if invitation.member.note else ""
        )
        writer.writerow(
            [
                neutralise_cell(name),
                invitation_link(public_url, round_, invitation.code),
                invitation.code,
            ]
        )
    return ("\ufeff" if bom else "") + out.getvalue()


def fingerprint_groups(fingerprint: str | None, digits: int = 16) -> str:
    """The first 16 hex digits in groups of four, as printed on slips and notice boards."""
    head = (fingerprint or "")[:digits]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))
