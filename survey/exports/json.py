"""JSON export: round facts, then sections → themes → items, each item's text and channel.

With round categories (only then, so a round without them exports as before),
``categories`` names them in order, each theme carries its ``category`` (null: not
categorised) and each section lists its ``categories`` with their item counts. These are
settings of the round, never the participants' Party categories, which no export holds.
"""

from __future__ import annotations

import json as jsonlib
from dataclasses import asdict
from datetime import date
from typing import Any

from survey.summary.query import ItemView, SectionView, Summary, ThemeView


def _item(item: ItemView) -> dict[str, Any]:
    return {
        "text": item.text,
        "channel": item.channel,
        "day": item.day.isoformat() if item.day else None,
        "status": item.status,
        "edited": item.edited,
    }


def _theme(theme: ThemeView, categorised: bool) -> dict[str, Any]:
    category = {"category": theme.category} if categorised else {}
    return {
        "label": theme.heading if theme.id is not None else None,
        **category,
        "machine_label": theme.machine_label if theme.id is not None else None,
        "keywords": list(theme.keywords),
        "count": theme.count,
        "representative": theme.representative,
        "items": [_item(item) for item in theme.items],
    }


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def summary_document(summary: Summary) -> dict[str, Any]:
    categorised = bool(summary.category_names)
    document: dict[str, Any] = {"round_id": summary.round_id, "round": asdict(summary.facts)}
    if categorised:
        document["categories"] = list(summary.category_names)
    document["sections"] = [_section(section, categorised) for section in summary.sections]
    return document


def _section(section: SectionView, categorised: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"title": section.title, "kind": section.kind, "count": section.count}
    if categorised:
        found["categories"] = [
            {"name": group.name, "count": group.count} for group in section.categories
        ]
    found["themes"] = [_theme(theme, categorised) for theme in section.themes]
    found["inactive_items"] = [_item(item) for item in section.inactive]
    return found


def write_json(summary: Summary) -> str:
    return (
        jsonlib.dumps(summary_document(summary), ensure_ascii=False, indent=2, default=_default)
        + "\n"
    )
