"""Each committee member's 意见反馈单: the items about them and the items about the team.

A member writes their 对照检查材料 from it, so it holds exactly two parts: the section of the form
about them, and the section about the committee as a whole. The same content is a Word file (in
the 公文 style of the 汇总表) and a print view (templates/committee/feedback.html).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from flask_babel import gettext as _

from survey.errors import NotFound
from survey.exports import docx_style as style
from survey.exports.docx import category_cell, made_by
from survey.summary.labels import channel_label, item_cell
from survey.summary.query import SectionView, Summary

WIDTHS = (12, 96, 28, 20)


@dataclass(frozen=True)
class FeedbackPart:
    heading: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FeedbackSheet:
    round_title: str
    branch: str
    member: str
    parts: tuple[FeedbackPart, ...]


def member_sections(summary: Summary) -> list[SectionView]:
    return [section for section in summary.sections if section.kind == "member"]


def feedback_sheet(summary: Summary, section_key: str) -> FeedbackSheet:
    """The sheet of the member whose section has ``section_key``."""
    section = next((s for s in member_sections(summary) if s.key == section_key), None)
    if section is None:
        raise NotFound(_("No such committee member's section in this round."))
    member = section.member or section.title
    about = _("Opinions and suggestions about you (%(n)d)", n=section.count)
    parts = [FeedbackPart(about, _rows(section))]
    for team in (s for s in summary.sections if s.kind == "team"):
        parts.append(
            FeedbackPart(
                _("Opinions and suggestions about the committee (%(n)d)", n=team.count),
                _rows(team),
            )
        )
    return FeedbackSheet(summary.facts.title, summary.facts.branch, member, tuple(parts))


def header() -> list[str]:
    return [_("No."), _("Opinion or suggestion"), _("Category (theme)"), _("Source channel")]


def _rows(section: SectionView) -> tuple[tuple[str, ...], ...]:
    rows: list[tuple[str, ...]] = []
    for theme in section.themes:
        for item in theme.items:
            cells = (item_cell(item), category_cell(section, theme), channel_label(item.channel))
            rows.append((str(len(rows) + 1), *cells))
    return tuple(rows)


def sheet_title(sheet: FeedbackSheet) -> str:
    return _("Opinion feedback sheet: %(member)s", member=sheet.member)


def write_feedback_docx(sheet: FeedbackSheet, today: date) -> bytes:
    document = Document()
    style.prepare(document)
    style.title(document, sheet_title(sheet))
    style.centred(document, sheet.round_title)
    made_by(document, sheet.branch, today)
    for part in sheet.parts:
        document.add_heading(part.heading, level=1)
        if part.rows:
            style.table(document, header(), part.rows, WIDTHS)
        else:
            document.add_paragraph(_("No items."))
    document.add_paragraph(_("For the comparison and self-examination material (对照检查材料)."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
