"""Reporting the topics to the superior Party organisation (上级党组织), and its reply.

A superior account is bound to one or more branches and sees only what their committees report:
the topic list and its consultation record, never items or answers. Its reply is logged; asking
for changes opens the draft of the next version for the committee.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, Forbidden, InvalidInput, NotFound
from survey.models import FINAL_MODES, Branch, Round, TopicVersion, User
from survey.models.topics import SUPERIOR_DECISIONS
from survey.rounds.log import log_event
from survey.topics.drafting import draft_for_editing, latest_published
from survey.topics.review import open_objections

MAX_TEXT = 2000


class ReportRefused(Conflict):
    """The topics cannot be reported (or answered) now; the message says why."""

    code = "report_refused"


def report_topics(
    session: Session, round_: Round, actor: User | None, *, now: datetime
) -> TopicVersion:
    """Send the latest version and its record to the superior; logged."""
    if not round_.branch.topics_reported:
        raise ReportRefused(_("This branch does not report its topics to a superior."))
    if round_.state == "final":
        raise ReportRefused(_("The topics are already final."))
    version = latest_published(session, round_)
    if version is None or version.consultation is None:
        raise ReportRefused(_("No version of the topics has been published yet."))
    if version.consultation.state != "summarising":
        raise ReportRefused(
            _("The consultation on version %(v)d is not unsealed yet.", v=version.number)
        )
    if open_objections(session, version):
        raise ReportRefused(
            _("Every objection to version %(v)d needs a disposition first.", v=version.number)
        )
    if version.reported:
        raise ReportRefused(_("Version %(v)d was already reported.", v=version.number))
    version.reported = True
    log_event(session, round_, "topics_reported", actor=actor, now=now, version=version.number)
    session.flush()
    return version


def supervised_versions(session: Session, user: User) -> list[TopicVersion]:
    """Versions reported by the user's branches, newest first."""
    branch_ids = [b.id for b in user.supervised]
    query = (
        select(TopicVersion)
        .join(Round, Round.id == TopicVersion.round_id)
        .where(Round.branch_id.in_(branch_ids), TopicVersion.reported.is_(True))
    )
    return sorted(
        session.scalars(query), key=lambda v: (v.round.created_on, v.number), reverse=True
    )


def reported_version(session: Session, user: User, public_id: str) -> TopicVersion:
    """A version reported by one of the user's branches; 404 for anything else."""
    version = session.scalar(select(TopicVersion).where(TopicVersion.public_id == public_id))
    if (
        version is None
        or not version.reported
        or version.round.branch_id not in {b.id for b in user.supervised}
    ):
        raise NotFound(_("No such report."))
    return version


def reply(
    session: Session,
    version: TopicVersion,
    user: User,
    decision: str,
    text: str,
    *,
    now: datetime,
) -> TopicVersion:
    """Record the superior's reply (同意, or changes asked with a reason); logged once."""
    if not user.has_role("superior") or version.round.branch_id not in {
        b.id for b in user.supervised
    }:
        raise Forbidden(_("Only the superior of this branch can reply."))
    if decision not in SUPERIOR_DECISIONS:
        raise InvalidInput(_("Choose to approve or to ask for changes."))
    text = text.strip()
    if len(text) > MAX_TEXT or (decision == "changes" and not text):
        raise InvalidInput(
            _("Say which changes are asked for (at most %(n)d characters).", n=MAX_TEXT)
        )
    if version.superior_decision is not None or version.round.state == "final":
        raise ReportRefused(_("This report was already answered."))
    version.superior_decision = decision
    version.superior_text = text
    version.superior = user
    round_ = version.round
    log_event(
        session,
        round_,
        "superior_replied",
        actor=user,
        now=now,
        version=version.number,
        decision=decision,
    )
    if decision == "changes":
        draft_for_editing(session, round_)  # the change becomes the next version
    session.flush()
    return version


def set_supervised(session: Session, user: User, branches: list[Branch]) -> User:
    """Bind a superior account to the branches whose reported topics it reads and answers."""
    if not user.has_role("superior"):
        raise InvalidInput(_("Only an account with the superior role supervises branches."))
    if not branches:
        raise InvalidInput(_("Give at least one branch."))
    user.supervised = list({b.id: b for b in branches}.values())
    session.flush()
    return user


def set_topic_rules(
    session: Session, branch: Branch, *, reported: bool | None, final_mode: str | None
) -> Branch:
    """The branch's settings for topics: reported to the superior, and how they are finalised."""
    if final_mode is not None:
        if final_mode not in FINAL_MODES:
            raise InvalidInput(_("Unknown finalising mode."))
        branch.topics_final_mode = final_mode
    if reported is not None:
        branch.topics_reported = reported
    session.flush()
    return branch
