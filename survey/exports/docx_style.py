"""公文 style for the Word exports (GB/T 9704 as far as a table of opinions needs it).

* A4, margins 37 / 35 / 28 / 26 mm (top, bottom, left, right);
* the title in 方正小标宋简体, 二号 (22 pt); section headings in 黑体, 三号 (16 pt); body in 仿宋,
  三号; table text in 仿宋, 小四 (12 pt); Latin letters and digits in Times New Roman;
* page numbers as a PAGE field in the footer, 「— 1 —」, centred.

Word and WPS pick the font for Chinese from ``w:eastAsia`` of ``w:rFonts``; the default template
leaves it to theme fonts, so the styles here name the faces directly. A machine without
方正小标宋简体 or 仿宋 needs a fallback: the document's font table names one for each
(``w:altName``: 黑体 for the title face, 宋体 for 仿宋), and the appendix says so in words.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

LATIN = "Times New Roman"
TITLE_FACE = "方正小标宋简体"
HEADING_FACE = "黑体"
BODY_FACE = "仿宋"
# The face Word or WPS uses when a named one is missing (font table, w:altName).
FALLBACKS = {TITLE_FACE: HEADING_FACE, BODY_FACE: "宋体"}
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(16), Pt(12)
TEXT_WIDTH = Mm(156)  # 210 - 28 - 26
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(style: BaseStyle, latin: str, east_asian: str) -> None:
    """Name the Latin and East Asian fonts of a style, without theme fonts overriding them."""
    style.font.name = latin  # type: ignore[attr-defined]
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    rfonts.set(qn("w:eastAsia"), east_asian)


def prepare(document: DocumentObject) -> None:
    """Page, margins, styles, font fallbacks and the page-number footer."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    set_fonts(normal, LATIN, BODY_FACE)
    normal.font.size = BODY_SIZE
    for name, face, size in (
        ("Title", TITLE_FACE, TITLE_SIZE),
        ("Heading 1", HEADING_FACE, HEADING_SIZE),
        ("Heading 2", HEADING_FACE, BODY_SIZE),
    ):
        style = document.styles[name]
        set_fonts(style, LATIN, face)
        style.font.size = size
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
    _name_fallbacks(document)
    _page_numbers(document)


def _name_fallbacks(document: DocumentObject) -> None:
    """Add the 公文 faces to the font table, each with the face to use in its place."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    for face, fallback in FALLBACKS.items():
        font = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{face}"><w:altName w:val="{fallback}"/>'
            '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
        fonts.append(font)
    from lxml import etree

    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(document: DocumentObject) -> None:
    """「— PAGE —」 centred in the footer, the number a field Word fills in."""
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
    paragraph.add_run(" —")


def title(document: DocumentObject, text: str) -> Paragraph:
    paragraph = document.add_paragraph(text, style="Title")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def centred(document: DocumentObject, text: str) -> Paragraph:
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def table(
    document: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[int],
) -> Table:
    """A grid table: the header row repeats on every page, cells in 小四.

    Rows are copies of one prepared row with their texts set, appended to the table's XML:
    python-docx's ``add_row().cells`` walks the whole table for every row, which made the
    汇总表 of a large round (5,000 items) take minutes instead of seconds.
    """
    grid = document.add_table(rows=2, cols=len(header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    first, model = grid.rows[0], grid.rows[1]
    first._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for index, (cell, text) in enumerate(zip(first.cells, header, strict=True)):
        _fill(cell, text, bold=True, centre=True)
        cell.width = Mm(widths_mm[index])
    for index, cell in enumerate(model.cells):
        _fill(cell, "-", centre=index == 0)  # a w:t for the texts
        cell.width = Mm(widths_mm[index])
    template = model._tr
    grid._tbl.remove(template)
    for values in rows:
        row = copy.deepcopy(template)
        for text_element, text in zip(row.iter(qn("w:t")), values, strict=True):
            text_element.text = text
            text_element.set(qn("xml:space"), "preserve")
        grid._tbl.append(row)
    return grid


def _fill(cell: object, text: str, *, bold: bool = False, centre: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.font.size = TABLE_SIZE
    run.bold = bold
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
