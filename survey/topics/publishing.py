"""Publishing a version of the topics: it is frozen and its consultation is created.

The consultation is a Round of kind ``consultation``: the answer round's participants with fresh
invitations (codes are made when it opens, like any round's), the same two custodians, the same
minimum (the committee posts recorded when the answer round opened), its own deadline and keys.
It is then opened, collected, closed and unsealed by the services in :mod:`survey.rounds`.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.models import Invitation, Round, TopicVersion, User
from survey.rounds.clock import local_today
from survey.rounds.log import log_event
from survey.rounds.requirements import current_invitations
from survey.topics.drafting import (
    TopicsLocked,
    TopicsRefused,
    current_draft,
    latest_published,
    require_drafting,
)
from survey.topics.review import open_objections

# States of a consultation after which the next version may be published.
SETTLED_STATES = ("summarising", "discarded")


def publish_version(
    session: Session, round_: Round, actor: User | None, *, deadline: datetime | None, now: datetime
) -> Round:
    """Freeze the draft as version v and create its consultation (a draft round); logged."""
    require_drafting(round_)
    draft = current_draft(session, round_)
    if draft is None or not draft.topics:
        raise TopicsRefused(_("There is no draft with topics to publish."))
    if deadline is not None and deadline <= now:
        raise TopicsRefused(_("The deadline has already passed."))
    _check_previous(session, round_)
    consultation = _new_consultation(round_, draft, deadline, now)
    session.add(consultation)
    draft.published = True
    draft.consultation = consultation
    round_.state = "consulting"
    log_event(session, round_, "topics_published", actor=actor, now=now, version=draft.number)
    log_event(session, consultation, "created", actor=actor, now=now)
    session.flush()
    return consultation


def _check_previous(session: Session, round_: Round) -> None:
    """Version v+1 comes after v's consultation is settled and every objection answered."""
    previous = latest_published(session, round_)
    if previous is None or previous.consultation is None:
        return
    if previous.consultation.state not in SETTLED_STATES:
        raise TopicsLocked(
            _(
                "Version %(v)d is still being consulted: close and unseal it first.",
                v=previous.number,
            )
        )
    if previous.final_mode is not None:
        raise TopicsLocked(_("The topics are final and can no longer be changed."))
    if open_objections(session, previous):
        raise TopicsLocked(
            _("Every objection to version %(v)d needs a disposition first.", v=previous.number)
        )


def _new_consultation(
    round_: Round, version: TopicVersion, deadline: datetime | None, now: datetime
) -> Round:
    return Round(
        kind="consultation",
        parent=round_,
        version=version.number,
        branch=round_.branch,
        title=f"{round_.title}（议题征求意见 第{version.number}版）",
        intro="",
        deadline=deadline,
        min_answers=round_.min_answers,
        state="draft",
        created_on=local_today(now),
        custodian1=round_.custodian1,
        custodian2=round_.custodian2,
        invitations=[
            Invitation(member=i.member, on_committee=i.on_committee)
            for i in current_invitations(round_)
        ],
    )
