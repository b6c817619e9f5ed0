"""Fixing the topics: the latest version becomes final, once nobody objects any more.

Strict (the default): its consultation is unsealed, met its minimum and holds no objection.
Explained (a branch setting, or ``--explained``): every objection has a 说明 disposition, and the
exports say so. Where the branch reports to its superior, the superior must have approved this
version. The event goes into the round's log; a final version never changes again.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.errors import Conflict, Forbidden
from survey.models import Round, TopicVersion, User
from survey.rounds.log import log_event
from survey.topics.drafting import current_draft, latest_published
from survey.topics.review import responses_of


class FinaliseRefused(Conflict):
    """The topics cannot be finalised yet; the message says why."""

    code = "finalise_refused"


def finalise_topics(
    session: Session,
    round_: Round,
    actor: User | None,
    *,
    explained: bool = False,
    now: datetime,
) -> TopicVersion:
    """Fix the latest published version; ``actor`` None is the operator's command line."""
    if actor is not None and not actor.has_role("committee"):
        raise Forbidden(_("Only a committee member can finalise the topics."))
    if round_.state == "final":
        raise FinaliseRefused(_("The topics are already final."))
    version = latest_published(session, round_)
    if version is None or version.consultation is None:
        raise FinaliseRefused(_("No version of the topics has been published yet."))
    mode = "explained" if explained or round_.branch.topics_final_mode == "explained" else "strict"
    check_finalisable(session, round_, version, mode)
    draft = current_draft(session, round_)
    if draft is not None:  # an unpublished draft of the next version is given up
        session.delete(draft)
    version.final_mode = mode
    round_.state = "final"
    log_event(
        session,
        round_,
        "topics_finalised",
        actor=actor,
        now=now,
        version=version.number,
        mode=mode,
        draft_discarded=draft is not None,
    )
    session.flush()
    return version


def check_finalisable(session: Session, round_: Round, version: TopicVersion, mode: str) -> None:
    """Raise FinaliseRefused with a one-line reason unless ``version`` may be fixed."""
    consultation = version.consultation
    assert consultation is not None
    if consultation.state == "discarded":
        raise FinaliseRefused(
            _("The consultation on version %(v)d fell below its minimum.", v=version.number)
        )
    if consultation.state != "summarising":
        raise FinaliseRefused(
            _("The consultation on version %(v)d is not unsealed yet.", v=version.number)
        )
    objections = [r for r in responses_of(session, version) if r.stance == "object"]
    if mode == "strict" and objections:
        raise FinaliseRefused(
            _(
                "Version %(v)d holds %(n)d objections: revise the topics and consult again.",
                v=version.number,
                n=len(objections),
            )
        )
    unexplained = [o for o in objections if o.disposition_kind != "explained"]
    if mode == "explained" and unexplained:
        raise FinaliseRefused(
            _(
                "%(n)d objections to version %(v)d have no explanation (说明) as disposition.",
                n=len(unexplained),
                v=version.number,
            )
        )
    if round_.branch.topics_reported and version.superior_decision != "approved":
        raise FinaliseRefused(
            _("The superior Party organisation has not approved version %(v)d.", v=version.number)
        )
