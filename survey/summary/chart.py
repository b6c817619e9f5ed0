"""Geometry of the horizontal bar chart of items per theme, drawn as SVG by a template macro.

No chart library and no script: the server computes every coordinate, and the template writes
SVG presentation attributes only (no ``style``), which the Content-Security-Policy allows. Each
theme is a label line with its bar below, so labels keep their full width on a phone; the
template gives the SVG a width of 100% and its own height, so it shrinks to fit a phone and never
grows past its natural size on a wide screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400
BAR_MAX = 340
ROW = 50
LABEL_SIZE = 18
BAR_HEIGHT = 16
TOP = 6
LABEL_CHARS = 22


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    count: int
    y: int
    width: int

    @property
    def label_y(self) -> int:
        return self.y + LABEL_SIZE

    @property
    def bar_y(self) -> int:
        return self.y + LABEL_SIZE + 6

    @property
    def count_x(self) -> int:
        return self.width + 6

    @property
    def count_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    label_size: int = LABEL_SIZE

    @property
    def height(self) -> int:
        return TOP * 2 + ROW * len(self.bars)


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: Sequence[tuple[str, int]]) -> BarChart:
    """One bar per (label, count), in the order given; the longest bar is BAR_MAX wide."""
    largest = max((count for _, count in rows), default=0) or 1
    bars = tuple(
        Bar(
            label=label,
            short_label=shorten(label),
            count=count,
            y=TOP + index * ROW,
            width=max(2, round(BAR_MAX * count / largest)) if count else 0,
        )
        for index, (label, count) in enumerate(rows)
    )
    return BarChart(bars)
