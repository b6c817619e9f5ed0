"""Re-group the items not yet placed (paper forms and talks typed in after unseal).

Only items outside any theme that no edit has touched are placed: an item the committee moved
out of a theme stays where it put it. Existing themes keep their headings, merges and items;
new items join the theme they are most like, and those like none form new themes
(survey/analysis/placement.py), placed under the round's categories first when it has some
(survey/analysis/categories.py), as at unseal. The whole re-group is one edit of the log,
undone as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis.categories import group_in_categories
from survey.analysis.placement import place_opinions
from survey.analysis.themes import Grouping
from survey.errors import InvalidInput
from survey.models import OpinionItem, Round, RoundEvent, Section, Theme, User
from survey.models.summary import random_item_id
from survey.rounds.categories import round_categories
from survey.summary.edits import Change, edit_events, item_ids, record, require_summarising
from survey.summary.query import root_theme
from survey.summary.themes import category_name


def touched_item_ids(session: Session, round_: Round) -> set[str]:
    """Items some edit of the summary changed (moved, marked, placed), undone or not."""
    touched: set[str] = set()
    for event in edit_events(session, round_):
        touched |= item_ids(event)
    return touched


def unplaced_items(session: Session, round_: Round) -> list[OpinionItem]:
    """Active items outside any theme that no edit has touched, by section and content."""
    touched = touched_item_ids(session, round_)
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_.id))}
    items = session.scalars(
        select(OpinionItem).where(OpinionItem.round_id == round_.id, OpinionItem.status == "active")
    )
    return sorted(
        (
            item
            for item in items
            if root_theme(themes, item.theme_id) is None and item.id not in touched
        ),
        key=lambda item: (item.section_id, item.text, item.id),
    )


def regroup_unplaced(
    session: Session, round_: Round, *, actor: User | None, now: datetime
) -> RoundEvent:
    """Place the waiting items (module docstring); one logged edit, undone as one."""
    require_summarising(round_)
    waiting = unplaced_items(session, round_)
    if not waiting:
        raise InvalidInput(_("No item waits to be placed."))
    changes: list[Change] = []
    made = 0
    for section in round_.sections:
        new = [item for item in waiting if item.section_id == section.id]
        if new:
            section_changes, section_made = _place_section(session, round_, section, new)
            changes += section_changes
            made += section_made
    return record(
        session,
        round_,
        "regroup",
        changes,
        actor=actor,
        now=now,
        count=len(waiting),
        themes=made,
    )


def _place_section(
    session: Session, round_: Round, section: Section, new: Sequence[OpinionItem]
) -> tuple[list[Change], int]:
    """Changes placing ``new`` among the section's themes, and how many themes were made."""
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_.id))}
    placed: list[tuple[str, str]] = []
    for item in session.scalars(
        select(OpinionItem).where(
            OpinionItem.section_id == section.id, OpinionItem.status == "active"
        )
    ):
        root = root_theme(themes, item.theme_id)
        if root is not None and root.section_id == section.id:
            placed.append((item.text, root.id))
    placed.sort()
    keys = sorted({theme_id for _, theme_id in placed})
    placement = place_opinions(
        [text for text, _ in placed],
        [keys.index(theme_id) for _, theme_id in placed],
        [item.text for item in new],
    )
    changes: list[Change] = []
    leftover = [item for item, group in zip(new, placement.existing, strict=True) if group is None]
    categories = round_categories(round_)
    grouping: Grouping = placement.leftover
    if categories and leftover:
        grouping = group_in_categories([item.text for item in leftover], categories, seed=0)
    made: dict[int, Theme] = {}
    for found in grouping.themes:
        theme = Theme(
            id=random_item_id(),
            round_id=round_.id,
            section_id=section.id,
            machine_label=str(found.label)[:200],
            keywords=[str(word) for word in found.keywords],
            category=category_name(categories, found.category),
            removed=True,
        )
        session.add(theme)
        made[int(found.index)] = theme
        changes.append(Change("theme", theme.id, "removed", True, False))
    session.flush()
    for item, group in zip(new, placement.existing, strict=True):
        if group is not None:
            changes.append(Change("item", item.id, "theme_id", item.theme_id, keys[group]))
    for item, index in zip(leftover, grouping.assignments, strict=True):
        changes.append(Change("item", item.id, "theme_id", item.theme_id, made[int(index)].id))
    return changes, len(made)
