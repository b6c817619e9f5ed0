"""Edits of several items at once: move a selection, make a new theme of it, split a theme.

Each is one entry of the round's log (survey/summary/edits.py), undone as a whole. A new theme
is stored first as ``removed`` and then shown by the logged change ``removed: True → False``, so
undoing the edit puts the items back and hides the theme again; its row stays, as the log
points at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import InvalidInput, NotFound
from survey.models import OpinionItem, Round, RoundEvent, Section, Theme, User
from survey.models.summary import random_item_id
from survey.summary.edits import MAX_LABEL, Change, record, require_summarising
from survey.summary.query import root_theme

# The most items one edit takes (a section of a large round fits; a form cannot grow forever).
MAX_SELECTION = 2000


def selected_items(session: Session, round_: Round, item_ids: Sequence[str]) -> list[OpinionItem]:
    """The round's items with these ids, by content; refused when one is not the round's."""
    ids = list(dict.fromkeys(i for i in item_ids if i))
    if not ids:
        raise InvalidInput(_("Select at least one item."))
    if len(ids) > MAX_SELECTION:
        raise InvalidInput(_("At most %(n)d items at a time.", n=MAX_SELECTION))
    items = session.scalars(
        select(OpinionItem).where(OpinionItem.round_id == round_.id, OpinionItem.id.in_(ids))
    ).all()
    if len(items) != len(ids):
        raise NotFound(_("No such item in this round."))
    return sorted(items, key=lambda item: (item.text, item.id))


def _placing(items: Sequence[OpinionItem], section: Section, theme_id: str | None) -> list[Change]:
    """The changes that put ``items`` under ``theme_id`` of ``section`` (those not there yet)."""
    changes: list[Change] = []
    for item in items:
        if (item.section_id, item.theme_id) == (section.id, theme_id):
            continue
        if item.section_id != section.id:
            changes.append(Change("item", item.id, "section_id", item.section_id, section.id))
        changes.append(Change("item", item.id, "theme_id", item.theme_id, theme_id))
    return changes


def move_items(
    session: Session,
    round_: Round,
    items: Sequence[OpinionItem],
    section: Section,
    theme: Theme | None,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Put the selected items under one theme (or none) of a section, as one edit."""
    require_summarising(round_)
    if section.round_id != round_.id:
        raise NotFound(_("No such section in this round."))
    if theme is not None and (
        theme.section_id != section.id or theme.merged_into_id or theme.removed
    ):
        raise InvalidInput(_("Choose a theme of that section that is not merged."))
    changes = _placing(items, section, theme.id if theme else None)
    if not changes:
        raise InvalidInput(_("The selected items are already there."))
    return record(
        session,
        round_,
        "move_items",
        changes,
        actor=actor,
        now=now,
        count=len({change.id for change in changes}),
        section=section.title,
        theme=theme.heading if theme else None,
    )


def new_theme(
    session: Session,
    round_: Round,
    section: Section,
    heading: str,
    items: Sequence[OpinionItem],
    *,
    actor: User | None,
    now: datetime,
    action: str = "new_theme",
    source: Theme | None = None,
) -> RoundEvent:
    """A theme with the committee's heading, made of the selected items, as one edit. It is in
    the category of the theme it was split from, or the one all the items' themes share."""
    require_summarising(round_)
    if section.round_id != round_.id:
        raise NotFound(_("No such section in this round."))
    label = " ".join(heading.split())[:MAX_LABEL]
    if not label:
        raise InvalidInput(_("Give the new theme a heading."))
    if not items:
        raise InvalidInput(_("Select at least one item."))
    theme = Theme(
        id=random_item_id(),
        round_id=round_.id,
        section_id=section.id,
        label=label,
        machine_label="",
        keywords=[],
        category=source.category if source is not None else _shared_category(session, items),
        removed=True,
    )
    session.add(theme)
    session.flush()
    changes = [Change("theme", theme.id, "removed", True, False)]
    changes += _placing(items, section, theme.id)
    detail = {"heading": label, "count": len(items), "section": section.title}
    if source is not None:
        detail["source"] = source.heading
    return record(session, round_, action, changes, actor=actor, now=now, **detail)


def theme_items(session: Session, round_: Round, theme: Theme) -> list[OpinionItem]:
    """The active items shown under ``theme`` (its own and its merged themes'), by content."""
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_.id))}
    items = session.scalars(
        select(OpinionItem).where(
            OpinionItem.section_id == theme.section_id, OpinionItem.status == "active"
        )
    )
    return sorted(
        (
            item
            for item in items
            if (root := root_theme(themes, item.theme_id)) is not None and root.id == theme.id
        ),
        key=lambda item: (item.text, item.id),
    )


def split_theme(
    session: Session,
    round_: Round,
    theme: Theme,
    heading: str,
    items: Sequence[OpinionItem],
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Take some of a theme's items out into a new theme of the same section."""
    require_summarising(round_)
    if theme.merged_into_id or theme.removed:
        raise InvalidInput(_("Split the theme this one is merged into."))
    shown = theme_items(session, round_, theme)
    shown_ids = {item.id for item in shown}
    if not items or any(item.id not in shown_ids for item in items):
        raise InvalidInput(_("Select items of this theme."))
    if len(items) >= len(shown):
        raise InvalidInput(_("Leave at least one item in the theme; to rename it, rename it."))
    return new_theme(
        session,
        round_,
        theme.section,
        heading,
        items,
        actor=actor,
        now=now,
        action="split_theme",
        source=theme,
    )


def _shared_category(session: Session, items: Sequence[OpinionItem]) -> str | None:
    """The category of the themes ``items`` show under, when they all share one."""
    if not items:
        return None
    round_id = items[0].round_id
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_id))}
    found = set()
    for item in items:
        root = root_theme(themes, item.theme_id)
        found.add(root.category if root is not None else None)
    return found.pop() if len(found) == 1 else None
