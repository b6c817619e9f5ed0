"""Editing an item's text: a correction or a redaction, and the original is not kept.

An officer may have named a colleague or written a detail only one person knows. The committee
can rewrite the item; the page then marks it 已编辑. Unlike every other edit this one cannot be
undone, by design: a redaction that kept the original somewhere would remove nothing. So

* the new text replaces the old one in the item's row, and nothing else receives the old text:
  the log entry names the item by id and holds no text (edits never copy item text into the
  log; an older entry that did is rewritten with the new text);
* theme keywords and machine headings built from words that no item of the round holds any
  more are dropped (a word two items shared could head a theme);
* a draft topic prefilled from the item (survey/topics/drafting.py copies a theme's
  representative item into the topic's problem) gets the new text; a published version is a
  record the participants have already seen, and stays as published;
* the round is marked for a storage rewrite, which the view runs after the commit
  (survey/rounds/storage.py), so the old row versions do not survive in the files either; when
  the rewrite cannot finish the mark stays, and the round's page offers the retry as after an
  unseal.

The new text is normalised like every item (script, width, masking of phone and ID numbers).
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis import normalise
from survey.analysis.labels import FALLBACK_LABEL
from survey.errors import InvalidInput
from survey.models import OpinionItem, Round, RoundEvent, Theme, Topic, TopicVersion, User
from survey.rounds.log import log_event
from survey.summary.channels import MAX_TEXT
from survey.summary.edits import require_summarising

_NUMBERED = re.compile(r"（\d+）$")


def edit_item_text(
    session: Session,
    round_: Round,
    item: OpinionItem,
    text: str,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Replace an item's text; the original is not kept anywhere (module docstring)."""
    require_summarising(round_)
    new = normalise(" ".join(text.split())).strip()
    if not new:
        raise InvalidInput(_("The text cannot be empty; set the item aside instead."))
    if len(new) > MAX_TEXT:
        raise InvalidInput(_("At most %(n)d characters at a time.", n=MAX_TEXT))
    if new == item.text:
        raise InvalidInput(_("The text is unchanged."))
    old, item.text, item.edited = item.text, new, True
    round_.storage_rewrite_pending = True
    _rewrite_log(session, round_, item.id, old, new)
    _rewrite_draft_topics(session, round_, old, new)
    session.flush()
    scrub_theme_words(session, round_)
    event = log_event(
        session,
        round_,
        "summary_edited",
        actor=actor,
        now=now,
        action="edit_text",
        changes=[],
        item=item.id,
        section=item.section.title,
    )
    session.flush()
    return event


def _rewrite_log(session: Session, round_: Round, item_id: str, old: str, new: str) -> None:
    """Entries written before edits stopped copying text: the item's old text becomes the new."""
    events = session.scalars(
        select(RoundEvent).where(
            RoundEvent.round_id == round_.id, RoundEvent.kind == "summary_edited"
        )
    )
    for event in events:
        detail = dict(event.detail)
        changes = detail.get("changes")
        about_item = isinstance(changes, list) and any(
            isinstance(c, dict) and c.get("id") == item_id for c in changes
        )
        if about_item and detail.get("text") == old:
            detail["text"] = new
            event.detail = detail


def _rewrite_draft_topics(session: Session, round_: Round, old: str, new: str) -> None:
    """Unpublished topics that quote the old text quote the new one instead."""
    drafts = session.scalars(
        select(Topic)
        .join(TopicVersion, Topic.version_id == TopicVersion.id)
        .where(TopicVersion.round_id == round_.id, TopicVersion.published.is_(False))
    )
    for topic in drafts:
        for field in ("title", "problem", "outcome"):
            value = getattr(topic, field) or ""
            if old in value:
                setattr(topic, field, value.replace(old, new)[: 200 if field == "title" else None])


def scrub_theme_words(session: Session, round_: Round) -> None:
    """Drop keywords and machine headings no item of the round holds any more."""
    held = "\n".join(
        session.scalars(select(OpinionItem.text).where(OpinionItem.round_id == round_.id))
    )
    for theme in session.scalars(select(Theme).where(Theme.round_id == round_.id)):
        keywords = [word for word in theme.keywords or () if word in held]
        if keywords != list(theme.keywords or ()):
            theme.keywords = keywords
        if theme.machine_label and not _heading_held(theme.machine_label, held):
            theme.machine_label = _fallback_heading(keywords)


def _heading_held(label: str, held: str) -> bool:
    """Whether every word of a machine heading still occurs in some item."""
    label = _NUMBERED.sub("", label)
    if label == FALLBACK_LABEL:
        return True
    if label.endswith("等方面"):
        words = label[: -len("等方面")].split("、")
    elif label.endswith("方面"):
        words = [label[: -len("方面")]]
    else:
        words = [label]
    return all(word in held for word in words)


def _fallback_heading(keywords: list[str]) -> str:
    """The heading the labeller gives a theme without a shared phrase (analysis/labels.py)."""
    if len(keywords) > 1:
        return f"{keywords[0]}、{keywords[1]}等方面"
    if keywords:
        return f"{keywords[0]}方面"
    return FALLBACK_LABEL
