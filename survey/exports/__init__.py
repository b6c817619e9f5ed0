"""Exports of a round's summary: Word, CSV, Markdown and JSON.

Each writer is a pure function of a :class:`survey.summary.query.Summary`; :func:`render` picks
one by format name for the download buttons and ``survey round export``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from survey.summary.query import Summary

UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    mimetype: str
    binary: bool


FORMATS = {
    "json": ExportFormat("json", "json", "application/json", False),
    "csv": ExportFormat("csv", "csv", "text/csv; charset=utf-8", False),
    "md": ExportFormat("md", "md", "text/markdown; charset=utf-8", False),
    "docx": ExportFormat(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        True,
    ),
}


def _writer(name: str) -> Callable[[Summary], str | bytes]:
    from survey.exports import csv, docx, json, markdown

    writers: dict[str, Callable[[Summary], str | bytes]] = {
        "json": json.write_json,
        "csv": csv.write_csv,
        "md": markdown.write_markdown,
        "docx": docx.write_docx,
    }
    return writers[name]


def render(summary: Summary, name: str, *, bom: bool = False) -> bytes:
    """The export in format ``name`` as bytes; ``bom`` puts a UTF-8 BOM before CSV (for Excel)."""
    result = _writer(name)(summary)
    if isinstance(result, bytes):
        return result
    if bom and name == "csv":
        result = UTF8_BOM + result
    return result.encode("utf-8")


def filename(summary: Summary, name: str) -> str:
    """An ASCII file name for clients that read no other: the round id."""
    return f"summary-{summary.round_id}.{FORMATS[name].extension}"


def safe_name(text: str, limit: int = 80) -> str:
    """``text`` usable in a file name on Windows, macOS and Linux (no path or reserved marks)."""
    kept = "".join(" " if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text)
    return " ".join(kept.split())[:limit].strip(" .") or "survey"


def attachment(ascii_name: str, local_name: str) -> str:
    """``attachment`` with an ASCII name and the real one as RFC 6266 ``filename*``."""
    from urllib.parse import quote

    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(local_name)}"


def content_disposition(summary: Summary, name: str) -> str:
    """The file is named after the round: 「<title>-征求意见汇总表.docx」 (ASCII: the round id)."""
    local = f"{safe_name(summary.facts.title)}-征求意见汇总表.{FORMATS[name].extension}"
    return attachment(filename(summary, name), local)
