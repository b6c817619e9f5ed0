"""Time of the Word 征求意见汇总表 for a large round, against a plain baseline in the same run.

    .venv/bin/python bench/word_export.py [--items 5664]

The summary (24 themes in one section) is built by hand, so only the writer is timed. Baseline:
python-docx writing the same texts as numbered paragraphs (what the export did before it was a
table). Medians of three runs each.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from docx import Document

from survey import create_app
from survey.exports.docx import write_docx
from survey.summary.query import ItemView, RoundFacts, SectionView, Summary, ThemeView

THEMES = 24


def summary_of(n_items: int) -> Summary:
    per_theme = max(1, n_items // THEMES)
    themes = tuple(
        ThemeView(
            f"t{k}",
            f"主题{k}",
            "",
            (),
            None,
            tuple(
                ItemView(
                    f"{k}-{i}",
                    f"值班安排第{i}项要改进，夜班后应保证休息{k}",
                    "survey",
                    None,
                    "active",
                )
                for i in range(per_theme)
            ),
        )
        for k in range(THEMES)
    )
    total = per_theme * THEMES
    facts = RoundFacts(
        title="2026年度民主生活会征求意见", branch="示范派出所党支部", state="summarising",
        invited=2000, invitations_used=2000, reissues=0, answers=2000, min_answers=5,
        required=8, unreadable=0, unknown_section_texts=0, created_on=None, opened_on=None,
        closed_on=None, unsealed_on=None, deadline_day=None, items=total,
        channels={"survey": total},
    )  # fmt: skip
    return Summary("bench", facts, (SectionView(1, "a", "team", "对支部班子的意见建议", themes),))


def paragraphs(summary: Summary) -> bytes:
    document = Document()
    number = 0
    for section in summary.sections:
        for theme in section.themes:
            document.add_heading(theme.heading, level=2)
            for item in theme.items:
                number += 1
                document.add_paragraph(f"{number}. {item.text}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def median_seconds(write: Callable[[Summary], bytes], summary: Summary) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(3):
        start = time.perf_counter()
        size = len(write(summary))
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5664)
    args = parser.parse_args()
    app = create_app({"SECRET_KEY": "bench-" * 8, "DATABASE_URL": "sqlite://", "TESTING": True})
    summary = summary_of(args.items)
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        base, base_size = median_seconds(paragraphs, summary)
        table, table_size = median_seconds(write_docx, summary)
    n = summary.facts.items
    print(f"{n} items: baseline paragraphs {base:.2f} s ({base_size // 1024} KB)")
    print(
        f"{n} items: 汇总表 (tables)   {table:.2f} s ({table_size // 1024} KB), {table / base:.2f}×"
    )


if __name__ == "__main__":
    main()
