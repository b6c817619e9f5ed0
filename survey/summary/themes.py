"""Theme grouping of a round's items, section by section (``survey.analysis.themes``).

When the round names categories (survey/rounds/categories.py), each section's items are placed
under them first and grouped into themes inside each (``survey.analysis.categories``); each
theme keeps the name of its category (None: not categorised).

The texts are handed to the grouping sorted by content, so the result depends on what was
written, never on the order in which anything arrived or was stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis.categories import group_in_categories
from survey.analysis.presets import Category
from survey.models import OpinionItem, Round, Section, Theme
from survey.models.summary import random_item_id
from survey.rounds.categories import round_categories

log = logging.getLogger(__name__)


def group_round(session: Session, round_: Round) -> int:
    """Group the active items not yet in a theme, per section; the number of themes made."""
    made = 0
    for section in round_.sections:
        items = session.scalars(
            select(OpinionItem).where(
                OpinionItem.section_id == section.id,
                OpinionItem.status == "active",
                OpinionItem.theme_id.is_(None),
            )
        ).all()
        made += group_section(session, round_, section, items)
    session.flush()
    return made


def group_section(
    session: Session, round_: Round, section: Section, items: Sequence[OpinionItem]
) -> int:
    """Make themes for ``items`` of one section and assign each item; the number of themes.

    Grouping is a reading aid: if it fails, the items stay outside any theme (the committee
    can still read and place them) rather than the unseal failing with them.
    """
    ordered = sorted(items, key=lambda item: (item.text, item.id))
    if not ordered:
        return 0
    categories = round_categories(round_)
    try:
        grouping = group_in_categories([item.text for item in ordered], categories, seed=0)
    except Exception:
        log.exception("theme grouping failed; %d items stay outside themes", len(ordered))
        return 0
    themes: dict[int, Theme] = {}
    for found in grouping.themes:
        theme = Theme(
            id=random_item_id(),
            round_id=round_.id,
            section_id=section.id,
            machine_label=str(found.label)[:200],
            keywords=[str(word) for word in found.keywords],
            category=category_name(categories, found.category),
        )
        themes[int(found.index)] = theme
        session.add(theme)
    session.flush()
    for item, index in zip(ordered, grouping.assignments, strict=True):
        assigned = themes.get(int(index))
        item.theme_id = assigned.id if assigned is not None else None
    for found in grouping.themes:
        themes[int(found.index)].representative_id = _representative_id(
            ordered, themes[int(found.index)], found.representative
        )
    return len(themes)


def category_name(categories: Sequence[Category], index: object) -> str | None:
    """The name of the category at ``index`` (the grouping's ``Theme.category``), or None."""
    if isinstance(index, int) and 0 <= index < len(categories):
        return categories[index].name
    return None


def _representative_id(
    ordered: Sequence[OpinionItem], theme: Theme, representative: object
) -> str | None:
    """The id of the representative item, given as a position in the input or as its text."""
    if isinstance(representative, int) and 0 <= representative < len(ordered):
        return ordered[representative].id
    for item in ordered:
        if item.theme_id == theme.id and item.text == representative:
            return item.id
    return None
