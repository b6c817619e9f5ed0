"""Roster CSV files: reading one into a checked preview, and writing the roster out.

Secretaries keep rosters in Excel, which in China saves CSV as GB18030/GBK; scripts write UTF-8,
with or without a byte-order mark. Reading never changes anything: it returns every row with its
errors (which block the import) and warnings (which do not: namesakes are common).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from survey.errors import InvalidInput
from survey.models import Member
from survey.roster.vocabulary import (
    CATEGORY_EXPORT,
    POST_EXPORT,
    normalise_name,
    parse_category,
    parse_posts,
    post_label,
)

MAX_ROWS = 5000
MAX_NAME = 100
MAX_NOTE = 200
REQUIRED_COLUMNS = ("name", "category", "post")
COLUMN_ALIASES = {
    "name": "name",
    "姓名": "name",
    "category": "category",
    "类别": "category",
    "政治面貌": "category",
    "post": "post",
    "posts": "post",
    "职务": "post",
    "支委职务": "post",
    "note": "note",
    "备注": "note",
}
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportRow:
    """One line of the file as it would be imported, with what is wrong or worth a look."""

    line: int
    name: str
    note: str = ""
    category: str | None = None
    posts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    """The whole file checked against the roster; importable only when ``ok``."""

    text: str
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def warning_count(self) -> int:
        return sum(len(row.warnings) for row in self.rows)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and not self.error_rows


@dataclass(frozen=True)
class RosterSnapshot:
    """What the roster already holds: names (active or not) and who holds which post."""

    names: frozenset[str] = frozenset()
    holders: dict[str, str] = field(default_factory=dict)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else GB18030, a superset of GBK."""
    if b"\x00" in data:
        raise InvalidInput(_("This is not a CSV text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The file is neither UTF-8 nor GB18030 (GBK) text. Save it again as CSV.")
        ) from None

def checked_text(text: str) -> str:
    """Text that comes back from the confirm step meets the same check as an uploaded file.

    A NUL would be stored as it is on SQLite and refused by PostgreSQL (a 500).
    """
    if "\x00" in text:
        raise InvalidInput(_("This is not a CSV text file."))
    return text


def read_roster(text: str, roster: RosterSnapshot) -> ImportPreview:
    """Check every row of a roster CSV text; nothing is stored."""
    preview = ImportPreview(text=text)
    if not text.strip():
        preview.problems.append(_("The file is empty."))
        return preview
    lines = text.splitlines()
    delimiter = "\t" if lines and "\t" in lines[0] and "," not in lines[0] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = _read_header(next(reader, []), preview)
        if columns is None:
            return preview
        for cells in reader:
            if len(preview.rows) >= MAX_ROWS:
                preview.problems.append(_("The file has more than %(num)d rows.", num=MAX_ROWS))
                break
            if any(cell.strip() for cell in cells):
                preview.rows.append(_read_row(reader.line_num, cells, columns))
    except csv.Error as error:
        preview.problems.append(_("The file is not valid CSV: %(reason)s", reason=str(error)))
        return preview
    if not preview.rows and not preview.problems:
        preview.problems.append(_("The file has no members in it."))
    _check_against_each_other(preview.rows, roster)
    return preview


def _column_key(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).strip().lower()


def _read_header(cells: list[str], preview: ImportPreview) -> dict[str, int] | None:
    """Column name → position; None (with a problem noted) when the header is unusable."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = _column_key(cell)
        if not key:
            continue
        column = COLUMN_ALIASES.get(key)
        if column is None or column in columns:
            preview.problems.append(
                _("Unknown or repeated column %(column)s. The first line must be "
                  "name,category,post and may add note.", column=cell.strip())
            )
            return None
        columns[column] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        preview.problems.append(
            _("Missing column: %(columns)s. The first line must be name,category,post "
              "and may add note.", columns=", ".join(missing))
        )
        return None
    return columns


def _read_row(line: int, cells: list[str], columns: dict[str, int]) -> ImportRow:
    """One row checked on its own: name, category, posts, lengths."""

    def cell(column: str) -> str:
        position = columns.get(column)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    note = " ".join(cell("note").split())
    row = ImportRow(line=line, name=normalise_name(cell("name")), note=note)
    if not row.name:
        row.errors.append(_("The name is empty."))
    elif len(row.name) > MAX_NAME:
        row.errors.append(_("The name is longer than %(num)d characters.", num=MAX_NAME))
    if len(row.note) > MAX_NOTE:
        row.errors.append(_("The note is longer than %(num)d characters.", num=MAX_NOTE))
    if any(value.strip() for value in cells[max(columns.values()) + 1:]):
        row.errors.append(_("The row has more cells than the first line has columns."))
    category_text = cell("category")
    row.category = parse_category(category_text) if category_text else None
    if not category_text:
        row.errors.append(_("The category is empty (党员, 预备党员, 共青团员 or 群众)."))
    elif row.category is None:
        row.errors.append(
            _(
                "Unknown category %(value)s (use 党员, 预备党员, 共青团员 or 群众).",
                value=category_text,
            )
        )
    row.posts, unknown = parse_posts(cell("post"))
    for word in unknown:
        row.errors.append(
            _(
                "Unknown committee post %(value)s "
                "(use 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 青年委员 or 保密委员).",
                value=word,
            )
        )
    return row


def _check_against_each_other(rows: list[ImportRow], roster: RosterSnapshot) -> None:
    """Each post goes to one member; a known name is worth a second look."""
    post_lines: dict[str, ImportRow] = {}
    name_lines: dict[str, ImportRow] = {}
    for row in rows:
        for post in row.posts:
            if post in roster.holders:
                row.errors.append(
                    _("The post %(post)s is already held by %(name)s on the roster.",
                      post=post_label(post), name=roster.holders[post])
                )
            elif post in post_lines:
                earlier = post_lines[post]
                row.errors.append(
                    _("The post %(post)s is also given to %(name)s in line %(line)d.",
                      post=post_label(post), name=earlier.name, line=earlier.line)
                )
            else:
                post_lines[post] = row
        if not row.name:
            continue
        if row.name in roster.names:
            row.warnings.append(
                _("%(name)s is already on the roster: make sure this is another person "
                  "(a note tells namesakes apart).", name=row.name)
            )
        if row.name in name_lines:
            row.warnings.append(
                _("The name %(name)s is also in line %(line)d.",
                  name=row.name, line=name_lines[row.name].line)
            )
        else:
            name_lines[row.name] = row


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_roster(members: Iterable[Member]) -> bytes:
    """The roster as CSV in the import format, UTF-8 with a byte-order mark so Excel reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "category", "post", "note"])
    for member in members:
        posts = "、".join(POST_EXPORT[post] for post in member.post_names)
        writer.writerow(
            [
                neutralise(member.name),
                CATEGORY_EXPORT.get(member.category, member.category),
                posts,
                neutralise(member.note),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
