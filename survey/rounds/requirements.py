"""How many valid answers a round needs before it may be unsealed (DESIGN.md section 3)."""

from __future__ import annotations

from survey.models import Invitation, Round

# Before these states the roster decides who is on the committee; from open on, what was
# recorded when the round opened (DESIGN.md section 3, "Moving the minimum").
NOT_YET_OPEN = ("draft", "opening")


def current_invitations(round_: Round) -> list[Invitation]:
    """One invitation per participant: reissued ones are replaced, not counted."""
    return [i for i in round_.invitations if not i.superseded]


def holds_committee_post(round_: Round, invitation: Invitation) -> bool:
    """The participant's committee post as recorded at open; today's roster for a draft.

    A consultation copies what its answer round recorded, so its minimum is the same.
    """
    if round_.state in NOT_YET_OPEN and round_.kind != "consultation":
        return bool(invitation.member.posts)
    return invitation.on_committee


def committee_participants(round_: Round) -> int:
    """Committee members among the participants: each knows their own answer."""
    return len(
        {i.member_id for i in current_invitations(round_) if holds_committee_post(round_, i)}
    )


def required_answers(round_: Round) -> int:
    """k valid answers plus one per committee member among the participants."""
    return round_.min_answers + committee_participants(round_)
