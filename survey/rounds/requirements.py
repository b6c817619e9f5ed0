"""How many valid answers a round needs before it may be unsealed (DESIGN.md section 3)."""

from __future__ import annotations

from survey.models import Round


def current_invitations(round_: Round) -> list:
    """One invitation per participant: reissued ones are replaced, not counted."""
    return [i for i in round_.invitations if not i.superseded]


def committee_participants(round_: Round) -> int:
    """Committee members among the participants: each knows their own answer."""
    return len({i.member_id for i in current_invitations(round_) if i.member.posts})


def required_answers(round_: Round) -> int:
    """k valid answers plus one per committee member among the participants."""
    return round_.min_answers + committee_participants(round_)
