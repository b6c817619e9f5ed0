"""One topic at a time in the draft: what the committee's page does (the CLI replaces the whole
draft with :func:`survey.topics.drafting.set_topics`). Each change is written to the round's log."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.errors import NotFound
from survey.models import Round, Topic, User
from survey.rounds.log import log_event
from survey.topics.drafting import TopicSpec, build_topic, draft_for_editing, leave_consulting


def _in_draft(session: Session, round_: Round, key: str) -> tuple[list[Topic], Topic]:
    draft = draft_for_editing(session, round_)
    for topic in draft.topics:
        if topic.key == key:
            return draft.topics, topic
    raise NotFound(_("There is no such topic in the draft."))


def _logged(session: Session, round_: Round, actor: User | None, now: datetime) -> None:
    leave_consulting(round_)
    draft = draft_for_editing(session, round_)
    log_event(session, round_, "topics_drafted", actor=actor, now=now, version=draft.number)
    session.flush()


def add_topic(
    session: Session, round_: Round, spec: TopicSpec, *, actor: User | None, now: datetime
) -> Topic:
    """A new topic at the end of the draft (with a fresh id)."""
    draft = draft_for_editing(session, round_)
    topic = build_topic(session, round_, TopicSpec(**{**spec.__dict__, "key": None}), 0)
    topic.position = max((t.position for t in draft.topics), default=-1) + 1
    draft.topics.append(topic)
    _logged(session, round_, actor, now)
    return topic


def update_topic(
    session: Session,
    round_: Round,
    key: str,
    spec: TopicSpec,
    *,
    actor: User | None,
    now: datetime,
) -> Topic:
    """Change a topic's texts and owner; its id, sources and place stay."""
    _topics, topic = _in_draft(session, round_, key)
    changed = build_topic(
        session,
        round_,
        TopicSpec(**{**spec.__dict__, "themes": topic.theme_ids, "items": topic.item_ids}),
        topic.position,
    )
    topic.title, topic.problem, topic.outcome = changed.title, changed.problem, changed.outcome
    topic.owner_id = changed.owner_id
    _logged(session, round_, actor, now)
    return topic


def remove_topic(
    session: Session, round_: Round, key: str, *, actor: User | None, now: datetime
) -> None:
    topics, topic = _in_draft(session, round_, key)
    topics.remove(topic)
    _logged(session, round_, actor, now)


def move_topic(
    session: Session, round_: Round, key: str, step: int, *, actor: User | None, now: datetime
) -> None:
    """Swap a topic with its neighbour above (step -1) or below (step 1)."""
    topics, topic = _in_draft(session, round_, key)
    ordered = sorted(topics, key=lambda t: t.position)
    index = ordered.index(topic)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    _logged(session, round_, actor, now)
