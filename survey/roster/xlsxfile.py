"""Roster workbooks (.xlsx, as Excel and WPS save them): read into the same text as a CSV file,
and the template a secretary fills in.

A workbook is turned into CSV text and then checked by the CSV reader (survey/roster/csvfile.py),
so both kinds of file meet the same rules, the same preview and the same confirm step. Only the
first sheet is read; a title line above the column names (「某某派出所党支部党员名册」) is skipped.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from survey.errors import InvalidInput
from survey.roster.csvfile import MAX_ROWS

XLSX_MAGIC = b"PK\x03\x04"
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_COLUMNS = 20
# A roster of MAX_ROWS members unpacks to well under this.
MAX_UNPACKED = 20 * 1024 * 1024
TEMPLATE_COLUMNS = ("姓名", "政治面貌", "支委职务", "备注")


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def is_old_xls(data: bytes) -> bool:
    return data.startswith(OLD_XLS_MAGIC)


def xlsx_to_text(data: bytes) -> str:
    """The first sheet as CSV text; a file that is not a readable workbook is refused clearly."""
    _check_unpacked_size(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it skips (styles, extensions): harmless.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise InvalidInput(
            _("This .xlsx file cannot be read. Open it in Excel or WPS and save it again.")
        ) from None
    try:
        if not workbook.worksheets:
            raise InvalidInput(_("The workbook has no sheet."))
        rows = _sheet_rows(workbook.worksheets[0])
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise InvalidInput(
            _("This .xlsx file cannot be read. Open it in Excel or WPS and save it again.")
        ) from None
    finally:
        workbook.close()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _check_unpacked_size(data: bytes) -> None:
    """A small upload that unpacks to a huge sheet (a zip bomb) is refused before reading."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidInput(
            _("This .xlsx file cannot be read. Open it in Excel or WPS and save it again.")
        ) from None
    if unpacked > MAX_UNPACKED:
        raise InvalidInput(_("The workbook is too large for a roster."))


def _sheet_rows(sheet: Any) -> list[list[str]]:
    """Cells as text, title lines above the header dropped, at most MAX_ROWS + 2 rows."""
    rows: list[list[str]] = []
    for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if not rows and sum(1 for c in cells if c) <= 1:
            continue  # an empty line or a title above the column names
        rows.append(cells)
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def template_workbook() -> bytes:
    """An empty roster to fill in: the column names, drop-down lists, and a sheet of rules."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    sheet.append(list(TEMPLATE_COLUMNS))
    for column, width in zip("ABCD", (12, 14, 22, 24), strict=True):
        sheet.column_dimensions[column].width = width
    categories = DataValidation(
        type="list", formula1='"党员,预备党员,共青团员,群众"', allow_blank=False
    )
    sheet.add_data_validation(categories)
    categories.add("B2:B1000")
    sheet.freeze_panes = "A2"
    rules = workbook.create_sheet("填写说明")
    for line in (
        ["姓名", "必填；同名的请在备注里写上单位或警号以便区分。"],
        ["政治面貌", "党员、预备党员、共青团员或群众（非党员）。"],
        ["支委职务", "书记、副书记、组织委员、宣传委员、纪检委员、青年委员、保密委员；"
         "兼任的用顿号“、”隔开；不是支委的留空。"],
        ["备注", "选填，例如所在单位。"],
        ["", "只读取第一个工作表；第一行是列名，上面可以有一行标题。"],
    ):
        rules.append(line)
    rules.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
