"""Markdown export: the round's facts, then per section (and category) and theme the numbered
items."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from survey.summary.labels import category_label, fact_rows, item_cell, item_note, theme_heading
from survey.summary.query import SectionView, Summary

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """Item text shown as written: Markdown and HTML characters are escaped, lines joined."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def write_markdown(summary: Summary) -> str:
    lines = [
        f"# {_('Summary table of solicited opinions')}",
        "",
        f"**{escape(summary.facts.title)}**",
        "",
    ]
    lines += [f"- {label}: {escape(value)}" for label, value in fact_rows(summary.facts)]
    for section in summary.sections:
        lines += ["", f"## {escape(section.title)} ({section.count})"]
        lines += _themes(section)
        if section.inactive:
            lines += [
                "",
                _(
                    "%(n)d items marked duplicate or set aside are not listed.",
                    n=len(section.inactive),
                ),
            ]
    return "\n".join(lines) + "\n"


def _themes(section: SectionView) -> list[str]:
    """The section's themes and numbered items; under a heading per category when it has any."""
    groups = [
        (f"### {escape(category_label(group.name))} ({group.count})", group.themes)
        for group in section.categories
    ] or [("", section.themes)]
    level = "####" if section.categories else "###"
    lines: list[str] = []
    number = 0
    for heading, themes in groups:
        if heading:
            lines += ["", heading]
        for theme in themes:
            lines += ["", f"{level} {escape(theme_heading(theme))} ({theme.count})", ""]
            for item in theme.items:
                number += 1
                lines.append(f"{number}. {escape(item_cell(item))}{item_note(item)}")
    return lines
