"""Drafting the next version of a round's topics from its summary.

The committee edits a draft; publishing freezes it (:mod:`survey.topics.publishing`). A draft of
version v+1 starts as a copy of version v, so topics carried over keep their ids and the
difference against v is what the committee changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput
from survey.models import Member, OpinionItem, Round, Theme, Topic, TopicVersion, User
from survey.rounds.log import log_event
from survey.summary.query import root_theme

MAX_TITLE = 200
MAX_TEXT = 2000
# The answer round's states in which topics may be drafted.
DRAFTING_STATES = ("summarising", "consulting")


class TopicsRefused(InvalidInput):
    """The topics as given cannot be saved; nothing was changed."""

    code = "topics_refused"


class TopicsLocked(Conflict):
    """The topics cannot be changed in the round's current state."""

    code = "topics_locked"


@dataclass
class TopicSpec:
    """One topic as the committee or a script gives it."""

    title: str
    problem: str
    outcome: str
    key: str | None = None
    themes: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    owner: str | None = None


def versions(session: Session, round_: Round) -> list[TopicVersion]:
    """Every version of the round's topics, oldest first (the draft last, if any)."""
    query = select(TopicVersion).where(TopicVersion.round_id == round_.id)
    return list(session.scalars(query.order_by(TopicVersion.number)))


def latest_published(session: Session, round_: Round) -> TopicVersion | None:
    published = [v for v in versions(session, round_) if v.published]
    return published[-1] if published else None


def current_draft(session: Session, round_: Round) -> TopicVersion | None:
    found = [v for v in versions(session, round_) if not v.published]
    return found[0] if found else None


def require_drafting(round_: Round) -> None:
    if round_.kind != "answers":
        raise TopicsLocked(_("Topics are drafted on the answer round, not on a consultation."))
    if round_.state not in DRAFTING_STATES:
        if round_.state == "final":
            raise TopicsLocked(_("The topics are final and can no longer be changed."))
        raise TopicsLocked(_("Topics can be drafted once the answers are unsealed."))


def draft_for_editing(session: Session, round_: Round) -> TopicVersion:
    """The draft of the next version, started as a copy of the latest published one."""
    require_drafting(round_)
    draft = current_draft(session, round_)
    if draft is not None:
        return draft
    previous = latest_published(session, round_)
    draft = TopicVersion(round=round_, number=(previous.number + 1) if previous else 1)
    if previous is not None:
        draft.topics = [_copy(topic) for topic in previous.topics]
    session.add(draft)
    session.flush()
    return draft


def _copy(topic: Topic) -> Topic:
    return Topic(
        key=topic.key,
        position=topic.position,
        title=topic.title,
        problem=topic.problem,
        outcome=topic.outcome,
        owner_id=topic.owner_id,
        theme_ids=list(topic.theme_ids),
        item_ids=list(topic.item_ids),
    )


def set_topics(
    session: Session, round_: Round, specs: list[TopicSpec], actor: User | None, *, now: datetime
) -> TopicVersion:
    """Replace the draft of the next version with ``specs``, in that order; logged."""
    draft = draft_for_editing(session, round_)
    if not specs:
        raise TopicsRefused(_("Give at least one topic."))
    allowed = _carried_keys(session, round_)
    keys = [s.key for s in specs if s.key]
    if len(keys) != len(set(keys)):
        raise TopicsRefused(_("The same topic id is given twice."))
    unknown = [key for key in keys if key not in allowed]
    if unknown:
        raise TopicsRefused(
            _("Topic id %(id)s is not a topic of the previous version.", id=unknown[0])
        )
    built = [build_topic(session, round_, spec, position) for position, spec in enumerate(specs)]
    draft.topics = []
    session.flush()  # the old rows go first: a carried-over id is unique within a version
    draft.topics = built
    leave_consulting(round_)
    log_event(session, round_, "topics_drafted", actor=actor, now=now, version=draft.number)
    session.flush()
    return draft


def _carried_keys(session: Session, round_: Round) -> set[str]:
    previous = latest_published(session, round_)
    draft = current_draft(session, round_)
    keys = {t.key for t in previous.topics} if previous else set()
    if draft is not None:
        keys |= {t.key for t in draft.topics}
    return keys


def leave_consulting(round_: Round) -> None:
    """Revising the topics takes the round back to summarising (DESIGN.md section 2)."""
    if round_.state == "consulting":
        round_.state = "summarising"


def build_topic(session: Session, round_: Round, spec: TopicSpec, position: int) -> Topic:
    title, problem, outcome = spec.title.strip(), spec.problem.strip(), spec.outcome.strip()
    if not title or len(title) > MAX_TITLE:
        raise TopicsRefused(_("Each topic needs a title of at most %(n)d characters.", n=MAX_TITLE))
    if not problem or not outcome:
        raise TopicsRefused(
            _(
                "Topic “%(t)s” needs the problem it must solve and the result it must reach.",
                t=title,
            )
        )
    if len(problem) > MAX_TEXT or len(outcome) > MAX_TEXT:
        raise TopicsRefused(
            _("Keep the problem and the result within %(n)d characters.", n=MAX_TEXT)
        )
    topic = Topic(
        position=position,
        title=title,
        problem=problem,
        outcome=outcome,
        theme_ids=_checked_themes(session, round_, spec.themes),
        item_ids=_checked_items(session, round_, spec.items),
        owner_id=_owner(session, round_, spec.owner).id if spec.owner else None,
    )
    if spec.key:
        topic.key = spec.key
    return topic


def _checked_themes(session: Session, round_: Round, ids: list[str]) -> list[str]:
    found = set(session.scalars(select(Theme.id).where(Theme.round_id == round_.id)))
    for theme_id in ids:
        if theme_id not in found:
            raise TopicsRefused(_("There is no theme %(id)s in this round.", id=theme_id))
    return sorted(set(ids))


def _checked_items(session: Session, round_: Round, ids: list[str]) -> list[str]:
    query = select(OpinionItem.id).where(OpinionItem.round_id == round_.id)
    found = set(session.scalars(query))
    for item_id in ids:
        if item_id not in found:
            raise TopicsRefused(_("There is no opinion item %(id)s in this round.", id=item_id))
    return sorted(set(ids))


def _owner(session: Session, round_: Round, name: str) -> Member:
    """A committee member of the branch, by member id or by unique name."""
    query = select(Member).where(Member.branch_id == round_.branch_id, Member.active.is_(True))
    members = [m for m in session.scalars(query) if m.posts]
    found = [m for m in members if m.public_id == name] or [m for m in members if m.name == name]
    if len(found) != 1:
        raise TopicsRefused(_("%(name)s is not one committee member of this branch.", name=name))
    return found[0]


def spec_from_theme(session: Session, round_: Round, theme_id: str) -> TopicSpec:
    """A topic pre-filled from a theme: its heading, its representative opinion, its items."""
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_.id))}
    theme = root_theme(themes, theme_id)
    if theme is None:
        raise TopicsRefused(_("There is no theme %(id)s in this round.", id=theme_id))
    members = [t.id for t in themes.values() if root_theme(themes, t.id) is theme]
    items = session.scalars(
        select(OpinionItem).where(OpinionItem.theme_id.in_(members), OpinionItem.status == "active")
    ).all()
    texts = {i.id: i.text for i in items}
    problem = texts.get(theme.representative_id or "", "")
    return TopicSpec(
        title=theme.heading[:MAX_TITLE],
        problem=problem,
        outcome="",
        themes=[theme.id],
        items=sorted(texts),
    )
