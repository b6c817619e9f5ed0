"""List markers in normalised opinion text: ``1.``, ``1、``, ``（1）``, ``一、``,
``（一）``, ``一是``, ``第一，`` and bullets.

Works on text that went through :func:`survey.analysis.normalise.normalise`,
so circled numbers already read ``（1）`` and full-width digits are ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Marker",
    "find_sequence",
    "is_sequence",
    "leading_marker",
    "needs_sequence",
    "strip_leading_marker",
]

_NUMERAL = "一二三四五六七八九十"
_HAN_NUMBER = rf"[{_NUMERAL}]{{1,3}}"

# A marker may start a line, or follow a boundary inside one.
_BOUNDARY = r"(?:^|(?<=[。；;！？!?，,：:\s）)]))"

# style name → pattern with one group holding the number. Order matters for
# ties: earlier styles win when two start at the same place.
_STYLES: dict[str, str] = {
    "paren_arabic": r"[（(](\d{1,2})[）)]",
    "arabic": r"(\d{1,2})(?:[.、]|[）)](?![）)]))(?![0-9])",
    "paren_han": rf"[（(]({_HAN_NUMBER})[）)]",
    "han": rf"({_HAN_NUMBER})、",
    "yishi": rf"({_HAN_NUMBER})是(?=[^，,。；;]{{2}})",
    "di": rf"第({_HAN_NUMBER})(?:[，,、：:]|点|条)",
}
# Parenthesised numbers are markers wherever they stand: （1）…（2）…
_INLINE = {
    name: re.compile(pattern if name.startswith("paren") else _BOUNDARY + pattern)
    for name, pattern in _STYLES.items()
}
# At the start of a line, "1，" and "1：" are markers too.
_LINE_START = {
    **{name: re.compile(r"^\s*" + pattern) for name, pattern in _STYLES.items()},
    "arabic": re.compile(r"^\s*(\d{1,2})(?:[.、，,：:]|[）)])(?![0-9])"),
    "bullet": re.compile(r"^\s*()[·\-*+●○■□◆◇▪►→>](?![-\d])"),
}
# Styles that are only a list when at least two consecutive numbers appear.
_NEEDS_SEQUENCE = frozenset({"yishi", "di"})


@dataclass(frozen=True, slots=True)
class Marker:
    """One list marker: its style, number (0 for bullets) and span in the text."""

    style: str
    number: int
    start: int
    end: int


def _number(digits: str) -> int:
    """``"3"`` → 3, ``"十二"`` → 12, ``"二十"`` → 20; 0 when unreadable."""
    if digits.isdigit():
        return int(digits)
    if not digits:
        return 0
    values = [_NUMERAL.index(char) + 1 for char in digits]
    if len(values) == 1:
        return values[0]
    if values == [10, *values[1:]] and len(values) == 2:
        return 10 + values[1]  # 十二
    if len(values) == 2 and values[1] == 10:
        return values[0] * 10  # 二十
    if len(values) == 3 and values[1] == 10:
        return values[0] * 10 + values[2]  # 二十三
    return 0


def leading_marker(line: str) -> Marker | None:
    """The list marker that starts ``line``, if any (``yishi``/``di`` included)."""
    for style, pattern in _LINE_START.items():
        match = pattern.match(line)
        if match:
            return Marker(style, _number(match.group(1)), match.start(), match.end())
    return None


def strip_leading_marker(text: str) -> str:
    """``text`` without the list marker it starts with, if that marker is one
    on its own: a lone ``1.`` is a marker, a lone ``第三条`` or ``一是`` is words
    (``第三条规定不合理`` keeps them)."""
    marker = leading_marker(text)
    if marker is None or needs_sequence(marker.style):
        return text
    return text[marker.end :].lstrip()


def _run(candidates: list[Marker]) -> list[Marker]:
    """The longest chain 1, 2, 3 … among ``candidates`` taken in text order."""
    chain: list[Marker] = []
    for marker in candidates:
        if marker.number == len(chain) + 1:
            chain.append(marker)
    return chain


def is_sequence(markers: list[Marker]) -> bool:
    """Whether ``markers`` (in text order) number at least 1, 2 in order."""
    return len(_run(markers)) >= 2


def find_sequence(text: str) -> list[Marker]:
    """The outermost numbered list written inline in ``text``.

    A style counts when its markers number 1, 2, … in order at least twice;
    among those, the one whose first marker comes first wins. A lone ``1.``
    is no list (and ``1.5小时`` is no marker at all). Returns [] when there
    is no list.
    """
    best: list[Marker] = []
    for style, pattern in _INLINE.items():
        candidates = [
            Marker(style, _number(match.group(1)), match.start(), match.end())
            for match in pattern.finditer(text)
        ]
        chain = _run(candidates)
        if len(chain) >= 2 and (not best or chain[0].start < best[0].start):
            best = chain
    return best


def needs_sequence(style: str) -> bool:
    """Whether a style (``一是``, ``第一``) is a marker only as part of a list."""
    return style in _NEEDS_SEQUENCE
