"""CSV export: one row per item, by section, theme and content (with a Category column after
the section when the round has categories).

Any cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading
apostrophe, so a spreadsheet never runs an item's text as a formula. The download adds a UTF-8
byte-order mark so Excel reads the Chinese correctly (see :func:`survey.exports.render`).
"""

from __future__ import annotations

import csv as csvlib
import io

from flask_babel import gettext as _

from survey.summary.labels import (
    category_label,
    channel_label,
    item_cell,
    status_label,
    theme_heading,
)
from survey.summary.query import ItemView, Summary

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``'=1+1`` instead of ``=1+1``: spreadsheets show it as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def rows(summary: Summary) -> list[list[str]]:
    categorised = bool(summary.category_names)
    header = [_("Section"), _("Theme"), _("No."), _("Opinion"), _("Channel"), _("Day"), _("Status")]
    if categorised:
        header.insert(1, _("Summary category"))
    table = [header]
    for section in summary.sections:
        number = 0
        for theme in section.themes:
            for item in theme.items:
                number += 1
                row = [section.title, theme_heading(theme), str(number), *_item_cells(item)]
                if categorised:
                    row.insert(1, category_label(theme.category))
                table.append(row)
        for item in section.inactive:
            row = [section.title, "", "", *_item_cells(item)]
            if categorised:
                row.insert(1, "")
            table.append(row)
    return table


def _item_cells(item: ItemView) -> list[str]:
    """Opinion, channel, day and status of one item."""
    day = item.day.isoformat() if item.day else ""
    return [item_cell(item), channel_label(item.channel), day, status_label(item.status)]


def write_csv(summary: Summary) -> str:
    out = io.StringIO()
    writer = csvlib.writer(out, lineterminator="\r\n")
    for row in rows(summary):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
