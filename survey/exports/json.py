"""JSON export: round facts, then sections → themes → items, each item's text and channel."""

from __future__ import annotations

import json as jsonlib
from dataclasses import asdict
from datetime import date
from typing import Any

from survey.summary.query import ItemView, Summary, ThemeView


def _item(item: ItemView) -> dict[str, Any]:
    return {
        "text": item.text,
        "channel": item.channel,
        "day": item.day.isoformat() if item.day else None,
        "status": item.status,
        "edited": item.edited,
    }


def _theme(theme: ThemeView) -> dict[str, Any]:
    return {
        "label": theme.heading if theme.id is not None else None,
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
    return {
        "round_id": summary.round_id,
        "round": asdict(summary.facts),
        "sections": [
            {
                "title": section.title,
                "kind": section.kind,
                "count": section.count,
                "themes": [_theme(theme) for theme in section.themes],
                "inactive_items": [_item(item) for item in section.inactive],
            }
            for section in summary.sections
        ],
    }


def write_json(summary: Summary) -> str:
    return (
        jsonlib.dumps(summary_document(summary), ensure_ascii=False, indent=2, default=_default)
        + "\n"
    )
