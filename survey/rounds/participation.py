"""Who takes part, and whose invitation was used: shown to every participant (DESIGN.md section 3).

Against stuffing (the n−1 attack) the participants themselves are the check. From the moment the
round opens, the holder of any code of the round (current or replaced) may ask:

- whether their own invitation was used, and whether it was replaced (at any time, during
  collection too: someone using it in their place is noticed);
- who takes part (names only): a fake roster member is seen by everyone;
- after close, who used their invitation: a stuffed invitation is seen by its owner and by
  everyone else. The committee prints the same list for the meeting.

Nothing here says when an invitation was used or counts answers. Lists are sorted by name (then
by whether used), never in the order invitations were made or used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from survey.models import Invitation, Round
from survey.rounds.errors import Malformed, UnknownInvitation
from survey.rounds.invitations import find_invitation
from survey.rounds.requirements import current_invitations

# Officers' states in which a round no longer collects (drafts never reach officers).
AFTER_CLOSE = ("closed", "summarising", "consulting", "final", "discarded")


@dataclass(frozen=True)
class Participant:
    """One participant as everyone may see them: a name, and after close whether it was used."""

    name: str
    used: bool


def participation(round_: Round) -> list[Participant]:
    """Every participant once, by name, used when any of their invitations (a replaced one too)
    obtained a token: a code used and then replaced still counts as theirs."""
    used_by: dict[int, bool] = {}
    for invitation in round_.invitations:
        used_by[invitation.member_id] = used_by.get(invitation.member_id, False) or invitation.used
    people = [Participant(i.member.name, used_by[i.member_id]) for i in current_invitations(round_)]
    return sorted(people, key=lambda p: (p.name, p.used))


def participant_names(round_: Round) -> list[str]:
    return [p.name for p in participation(round_)]


def invitation_status(
    session: Session, round_: Round, body: dict[str, Any], secret: bytes
) -> dict[str, Any]:
    """The reply of ``invitation-status`` (docs/protocol.md), only for a code of this round."""
    invitation = _holder_invitation(session, round_, body, secret)
    people = participation(round_)
    reply: dict[str, Any] = {
        "used": invitation.used,
        "reissued": invitation.superseded,
        "participants": [p.name for p in people],
    }
    if round_.state in AFTER_CLOSE:
        reply["participation"] = [{"name": p.name, "used": p.used} for p in people]
    return reply


def _holder_invitation(
    session: Session, round_: Round, body: dict[str, Any], secret: bytes
) -> Invitation:
    code = body.get("invitation")
    if not isinstance(code, str) or not code.strip():
        raise Malformed("invitation must be a string")
    invitation = find_invitation(session, round_, code, secret)
    if invitation is None:
        raise UnknownInvitation()
    return invitation
