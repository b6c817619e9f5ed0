"""How many valid answers a round needs before it may be unsealed (DESIGN.md section 3)."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import object_session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from survey.models import Invitation, Member, Round

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


def load_participants(round_: Round, *, posts: bool = False) -> None:
    """Give every invitation its roster member (with the member's committee posts when
    ``posts``) in one or two queries, instead of one or two per participant.

    Read one invitation at a time (``invitation.member.posts``), opening a round of 2,000
    officers made some 4,000 queries. The members are attached to the invitations: the session
    keeps only weak references to what nobody holds.
    """
    session = object_session(round_)
    if session is None or round_.id is None:
        return
    waiting = [i for i in round_.invitations if "member" in inspect(i).unloaded]
    # Members already in the session get their posts from the same query (selectinload fills
    # what is not loaded yet).
    if not waiting and not (posts and any(_posts_unloaded(i) for i in round_.invitations)):
        return
    query = select(Member).where(
        Member.id.in_(select(Invitation.member_id).where(Invitation.round_id == round_.id))
    )
    if posts:
        query = query.options(selectinload(Member.posts))
    by_id = {m.id: m for m in session.scalars(query)}
    for invitation in waiting:
        if invitation.member_id in by_id:
            set_committed_value(invitation, "member", by_id[invitation.member_id])


def _posts_unloaded(invitation: Invitation) -> bool:
    return "posts" in inspect(invitation.member).unloaded


def committee_participants(round_: Round) -> int:
    """Committee members among the participants: each knows their own answer."""
    if round_.state in NOT_YET_OPEN and round_.kind != "consultation":
        load_participants(round_, posts=True)
    return len(
        {i.member_id for i in current_invitations(round_) if holds_committee_post(round_, i)}
    )


def required_answers(round_: Round) -> int:
    """k valid answers plus one per committee member among the participants."""
    return round_.min_answers + committee_participants(round_)
