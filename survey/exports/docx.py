"""Word export: the 征求意见汇总表, a table in 公文 style (survey/exports/docx_style.py).

Title, 制表单位 and 制表日期; how many opinions came from which channel; per section a table
序号 | 意见建议 | 涉及对象 | 类别（主题）| 来源渠道, one row per item (类别（主题） reads
「类别 / 主题」 when the round has categories), followed by its counts per theme and channel;
then, in a short appendix, the technical facts of the round (k, unreadable answers, reissues …)
and the fonts the document asks for. Page numbers are a PAGE field.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.exports import docx_style as style
from survey.summary.labels import (
    channel_label,
    fact_rows,
    item_cell,
    section_subject,
    summary_title,
    theme_cell,
)
from survey.summary.query import SectionView, Summary

CHANNELS = ("survey", "paper", "talk")
ITEM_WIDTHS = (12, 70, 26, 28, 20)


def item_header() -> list[str]:
    return [
        _("No."),
        _("Opinion or suggestion"),
        _("About"),
        _("Category (theme)"),
        _("Source channel"),
    ]


def item_rows(section: SectionView) -> list[list[str]]:
    """One row per active item, numbered within the section, by (category,) theme, content."""
    subject = section_subject(section)
    rows: list[list[str]] = []
    for theme in section.themes:
        for item in theme.items:
            category = theme_cell(section, theme)
            cells = [item_cell(item), subject, category, channel_label(item.channel)]
            rows.append([str(len(rows) + 1), *cells])
    return rows


def count_rows(section: SectionView) -> list[list[str]]:
    """Per theme: items per channel and in all; a last row with the section's totals."""
    rows = []
    totals = dict.fromkeys(CHANNELS, 0)
    for theme in section.themes:
        counts = dict.fromkeys(CHANNELS, 0)
        for item in theme.items:
            counts[item.channel] = counts.get(item.channel, 0) + 1
            totals[item.channel] = totals.get(item.channel, 0) + 1
        label = theme_cell(section, theme)
        rows.append([label, *(str(counts[c]) for c in CHANNELS), str(theme.count)])
    rows.append([_("Total"), *(str(totals[c]) for c in CHANNELS), str(section.count)])
    return rows


def made_by(document: DocumentObject, branch: str, day: date) -> None:
    """「制表单位：…　制表日期：…」 under the title."""
    style.centred(
        document,
        _("Compiled by: %(branch)s", branch=branch) + "　　" + _("Date: %(day)s", day=_day(day)),
    )


def _day(day: date) -> str:
    """「2026年12月4日」 in Chinese documents, ISO otherwise."""
    locale = get_locale()
    if locale is not None and locale.language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def _overview(document: DocumentObject, summary: Summary) -> None:
    channels = summary.facts.channels
    parts = [
        _("%(channel)s: %(n)d", channel=channel_label(c), n=channels[c])
        for c in CHANNELS
        if channels.get(c)
    ]
    n = summary.facts.items
    text = (
        _("%(n)d opinions and suggestions in all: %(parts)s.", n=n, parts=_(", ").join(parts))
        if parts
        else _("%(n)d opinions and suggestions in all.", n=n)
    )
    document.add_paragraph(text)


def _section(document: DocumentObject, number: int, section: SectionView) -> None:
    document.add_heading(
        _("%(n)d. %(title)s (%(count)d)", n=number, title=section.title, count=section.count),
        level=1,
    )
    rows = item_rows(section)
    if not rows:
        document.add_paragraph(_("No items."))
        return
    style.table(document, item_header(), rows, ITEM_WIDTHS)
    document.add_paragraph(_("Counts per theme and channel:"))
    header = [_("Category (theme)"), *(channel_label(c) for c in CHANNELS), _("Total")]
    style.table(document, header, count_rows(section), (64, 24, 24, 24, 20))
    if section.inactive:
        document.add_paragraph(
            _("%(n)d items marked duplicate or set aside are not listed.", n=len(section.inactive))
        )


def _appendix(document: DocumentObject, summary: Summary) -> None:
    document.add_heading(_("Appendix: technical facts"), level=1)
    style.table(document, [_("Item"), _("Value")], fact_rows(summary.facts), (70, 86))
    document.add_paragraph(
        _(
            "Fonts: title %(title)s (if missing: %(title_fallback)s), body %(body)s (if missing:"
            " %(body_fallback)s).",
            title=style.TITLE_FACE,
            title_fallback=style.FALLBACKS[style.TITLE_FACE],
            body=style.BODY_FACE,
            body_fallback=style.FALLBACKS[style.BODY_FACE],
        )
    )


def write_docx(summary: Summary, *, today: date | None = None) -> bytes:
    """The 征求意见汇总表 of ``summary`` as a .docx file; ``today`` is the 制表日期."""
    document = Document()
    style.prepare(document)
    style.title(document, summary_title(summary.facts.title))
    made_by(document, summary.facts.branch, today or _local_today())
    _overview(document, summary)
    for number, section in enumerate(summary.sections, start=1):
        _section(document, number, section)
    _appendix(document, summary)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _local_today() -> date:
    from survey.rounds.clock import local_today, utcnow

    return local_today(utcnow())


def _prepare(document: DocumentObject) -> None:
    """The 公文 page, fonts and page numbers, for other Word exports (survey/topics/exports.py)."""
    style.prepare(document)
