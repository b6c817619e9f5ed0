"""Word export: the 征求意见汇总表 (python-docx).

The round's facts, then per section and theme the numbered items. Word and WPS pick the font for
Chinese from ``w:eastAsia`` of ``w:rFonts``; the default template leaves it to theme fonts that
often lack Chinese glyphs, so the styles used here name 宋体 (body) and 黑体 (headings) directly
and drop the theme-font attributes that would override them.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from flask_babel import gettext as _

from survey.summary.labels import fact_rows, item_note, theme_heading
from survey.summary.query import SectionView, Summary

BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Arial", "黑体")
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(style: BaseStyle, latin: str, east_asian: str) -> None:
    """Name the Latin and East Asian fonts of a style, without theme fonts overriding them."""
    style.font.name = latin  # type: ignore[attr-defined]
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _prepare(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(25))
    normal = document.styles["Normal"]
    set_fonts(normal, *BODY_FONT)
    normal.font.size = Pt(12)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        set_fonts(style, *HEADING_FONT)
        style.font.color.rgb = RGBColor(0, 0, 0)


def _facts(document: DocumentObject, summary: Summary) -> None:
    rows = fact_rows(summary.facts)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = document.styles["Table Grid"]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = label
        row.cells[1].text = value


def _section(document: DocumentObject, section: SectionView) -> None:
    document.add_heading(f"{section.title}（{section.count}）", level=1)
    number = 0
    for theme in section.themes:
        document.add_heading(f"{theme_heading(theme)}（{theme.count}）", level=2)
        for item in theme.items:
            number += 1
            document.add_paragraph(f"{number}. {item.text}{item_note(item)}")
    if section.inactive:
        note = document.add_paragraph(
            _("%(n)d items marked duplicate or set aside are not listed.", n=len(section.inactive))
        )
        note.runs[0].italic = True


def write_docx(summary: Summary) -> bytes:
    document = Document()
    _prepare(document)
    document.add_heading(_("Summary table of solicited opinions"), level=0)
    document.add_paragraph(summary.facts.title)
    _facts(document, summary)
    for section in summary.sections:
        _section(document, section)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
