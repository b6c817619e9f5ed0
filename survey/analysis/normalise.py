"""One canonical written form for opinion text.

Script (traditional or simplified characters), width (full-width or ASCII
letters and digits) and punctuation habits (「」 or “”, ``,`` or ``，`` after
a Chinese character, ``!!!``, spaces between phrases) are enough to tell
colleagues apart (DESIGN §3). Every item is therefore rewritten into one form
before anyone reads it:

* traditional characters become simplified (OpenCC ``t2s``);
* full-width letters, digits and symbols become ASCII, the ideographic space
  and other exotic spaces become a plain space;
* invisible format characters (soft hyphen, zero-width and bidi marks, tag
  characters), variation selectors and characters XML cannot hold (controls,
  lone surrogates, U+FFFF) vanish (:mod:`survey.analysis.characters`);
* circled and parenthesised numbers (①, ⑴, ⒈, ㈠) become ``(1)``, ``1.``,
  ``(一)`` so that list markers look alike;
* ``, ; : ? ! ( )`` take their **Chinese form when they touch Chinese text**
  (the nearest character that is neither a space nor another such mark is
  Chinese) and their ASCII form otherwise, whichever form was typed:
  ``好,多`` → ``好，多``, ``8：30`` → ``8:30``, ``1,000`` stays; a ``.`` after
  a Chinese character is a full stop ``。``; parentheses are decided as a
  pair, by their content and outer neighbours;
* corner quotes become curly quotes (「」 → “”, 『』 → ‘’), straight double
  quotes in Chinese text become curly ones in alternation;
* runs of marks collapse: ``！！！`` → ``！``, ``？！`` → ``？``, ``。。。``,
  ``...`` and ``…`` → ``……``, ``—``/``--`` runs in Chinese text → ``——``;
  any other run of one repeated symbol is decoration and becomes one
  (``~~`` → ``~``, ``★★★`` → ``★``; brackets, quotes and ``*`` excepted);
* whitespace collapses to one space, and disappears next to Chinese
  punctuation; a space between two Chinese characters (a pause typed as a
  space) becomes ``，``; a space between a Chinese character and a Latin
  letter or digit goes (``有 3 个人使用 APP`` → ``有3个人使用APP``);
* Latin words in Chinese text take one letter case
  (:mod:`survey.analysis.latin`: ``app`` → ``APP``);
* the result is stripped, and phone, identity-card and badge numbers are
  masked (:mod:`survey.analysis.masking`: ``138****5678``).

The function is idempotent: ``normalise(normalise(t)) == normalise(t)``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from survey.analysis.characters import REMOVED
from survey.analysis.latin import canonical_case
from survey.analysis.masking import mask_identifiers

__all__ = ["normalise", "normalise_lines"]


class _Converter(Protocol):
    def convert(self, string: str) -> str: ...


# --- script: traditional → simplified ----------------------------------------


@lru_cache(maxsize=1)
def _t2s() -> _Converter:
    """The OpenCC converter, built once (reading its dictionaries takes a while)."""
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


@lru_cache(maxsize=1)
def _convertible() -> frozenset[str]:
    """Characters whose presence can make ``t2s`` change a text.

    That is every character the character table maps to something else, and
    in a phrase-table entry every character the phrase changes (``瞭`` in
    ``瞭解`` → ``了解``). A text with none of them comes out of the converter
    unchanged, so it skips the (slow, pure Python) conversion altogether.
    """
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    chars: set[str] = set()
    for name in ("TSPhrases.txt", "TSCharacters.txt"):
        with open(folder / name, encoding="utf-8") as handle:
            for line in handle:
                key, _, values = line.rstrip("\n").partition("\t")
                value = values.split(" ")[0]
                if len(key) != len(value):
                    chars.update(key)
                else:
                    chars.update(k for k, v in zip(key, value, strict=True) if k != v)
    return frozenset(chars)


def _to_simplified(text: str) -> str:
    if _convertible().isdisjoint(text):
        return text
    return _t2s().convert(text)


# --- width and compatibility forms ---------------------------------------------


# Compatibility forms with one canonical reading: corner quotes, half-width
# ideographic marks, middle dots, dashes and the ellipsis.
_COMPAT: dict[int, str] = {
    ord("「"): "“",
    ord("」"): "”",
    ord("『"): "‘",
    ord("』"): "’",
    ord("﹁"): "“",
    ord("﹂"): "”",
    ord("﹃"): "‘",
    ord("﹄"): "’",
    ord("｢"): "“",
    ord("｣"): "”",
    ord("｡"): "。",
    ord("､"): "、",
    ord("〝"): "“",
    ord("〞"): "”",
    ord("・"): "·",
    ord("•"): "·",
    ord("‧"): "·",
    ord("–"): "-",
    ord("―"): "—",
    ord("─"): "—",
    ord("…"): "...",
    ord("〜"): "~",
}


def _width_table() -> dict[int, str]:
    table: dict[int, str] = {
        code: chr(code - 0xFEE0)
        for code in range(0xFF01, 0xFF5F)
        if chr(code) not in "！（），：；？"  # the Chinese forms of , ; : ? ! ( )
    }
    for code in (0x3000, 0x00A0, 0x1680, 0x202F, 0x205F, *range(0x2000, 0x200B)):
        table[code] = " "
    for code in REMOVED:
        table[code] = ""
    for code in (0x09, 0x0A, 0x0B, 0x0C, 0x0D):
        table[code] = " "
    for number in range(1, 21):
        table[0x2460 + number - 1] = f"({number})"  # ① … ⑳
        table[0x2474 + number - 1] = f"({number})"  # ⑴ … ⒇
        table[0x2488 + number - 1] = f"{number}."  # ⒈ … ⒛
    for offset, numeral in enumerate("一二三四五六七八九十"):
        table[0x3220 + offset] = f"({numeral})"  # ㈠ … ㈩
    table.update(_COMPAT)
    return table


_WIDTH = _width_table()

# --- punctuation by context ------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Marks with a Chinese and an ASCII form: the form follows the context.
_ZH_FORM = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_FORM = {zh: ascii_ for ascii_, zh in _ZH_FORM.items()}
# What makes a context Chinese: Han characters and marks that only exist in Chinese.
_ANCHORS = frozenset("。、“”‘’《》【】〔〕…—")
_SKIPPED = frozenset(" ") | _ZH_FORM.keys() | _ASCII_FORM.keys()

_MAX_PASSES = 6
_SPACES = re.compile(r"\s+")
_HAS_HAN = re.compile(rf"[{_HAN}]")
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}]) (?=[{_HAN}])")
_SPACE_HAN_LATIN = re.compile(rf"(?<=[{_HAN}]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[{_HAN}])")
# A run of one repeated symbol is decoration. Not: letters, digits, Chinese (all \w),
# whitespace, marks with rules of their own (. - — … · and the Chinese 。 that become
# an ellipsis or a dash), brackets and quotes (a pair must stay a pair) and * (masks).
_DECORATION = re.compile(r"([^\w\s.\-—…·。*()（）\[\]【】《》〈〉{}<>“”‘’\"'])\1+")
_LATIN = re.compile(r"[A-Za-z]")
# Text with none of these is already canonical once simplified and width-folded.
_NEEDS_WORK = re.compile(
    r"[ ,;:?!().\"'\-—…]|[，。、；：？！·]{2}"
    r"|[A-Za-z0-9][，；：？！][A-Za-z0-9]|[A-Za-z0-9]（|）[A-Za-z0-9]"
)
_STOP = re.compile(rf"(?<=[{_HAN}])\.(?![0-9])")
_ELLIPSIS = re.compile(r"(?:[.。…]{2,}|·{3,})")
_DASHES = re.compile(rf"(?:(?<=[{_HAN}“”‘’（）《》【】…]) ?-{{2,}}|—+)")
_DOUBLE_QUOTE = re.compile(r'"')
_PAIR = re.compile(r"[（(]([^（）()]*)[）)]")
_MARK = re.compile(r"[,;:?!()，；：？！（）]")
_AROUND_ZH_PUNCT = re.compile(r" *([，。、；：？！“”‘’（）《》【】]) *")
_RUNS = re.compile(r"([？！])[？！]+|(，)，+|(；)；+|(：)：+|(、)、+|(……)(?:……)+|(——)(?:——)+")
# Placeholders for decided pairs while the single marks are decided.
_HOLD = str.maketrans({"\x00": "(", "\x01": ")", "\x02": "（", "\x03": "）"})


def _is_anchor(char: str) -> bool:
    return char in _ANCHORS or bool(_HAS_HAN.match(char))


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest character from ``index`` in direction ``step`` that is no
    space and no switchable mark (so marks never decide each other), or ''."""
    index += step
    while 0 <= index < len(text) and text[index] in _SKIPPED:
        index += step
    return text[index] if 0 <= index < len(text) else ""


def _in_chinese(text: str, start: int, end: int) -> bool:
    return _is_anchor(_neighbour(text, start, -1)) or _is_anchor(_neighbour(text, end - 1, 1))


def _pair(match: re.Match[str]) -> str:
    inner = match.group(1)
    chinese = any(_is_anchor(char) for char in inner)
    if chinese or _in_chinese(match.string, match.start(), match.end()):
        return f"\x02{inner}\x03"
    return f"\x00{inner}\x01"


def _mark(match: re.Match[str]) -> str:
    mark = match.group(0)
    if _in_chinese(match.string, match.start(), match.end()):
        return _ZH_FORM.get(mark, mark)
    return _ASCII_FORM.get(mark, mark)


def _context_marks(text: str) -> str:
    """Give ``, ; : ? ! ( )`` their Chinese form next to Chinese text, else ASCII.

    Pairs of parentheses are decided together, innermost first, by their
    content and their outer neighbours.
    """
    while True:
        paired = _PAIR.sub(_pair, text)
        if paired == text:
            break
        text = paired
    return _MARK.sub(_mark, text).translate(_HOLD)


def _quotes(text: str) -> str:
    if '"' not in text:
        return text
    marks = iter(("“", "”") * (text.count('"') // 2 + 1))
    return _DOUBLE_QUOTE.sub(lambda _m: next(marks), text)


def _first(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group)


def _punctuation(text: str) -> str:
    text = _SPACE_BETWEEN_HAN.sub("，", text)
    text = _SPACE_HAN_LATIN.sub("", text)
    text = _quotes(text)
    text = _STOP.sub("。", text)
    text = _ELLIPSIS.sub("……", text)
    text = _DASHES.sub("——", text)
    text = _context_marks(text)
    text = _AROUND_ZH_PUNCT.sub(r"\1", text)
    return _DECORATION.sub(r"\1", _RUNS.sub(_first, text)).strip()


# --- public ------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Rewrite ``text`` into the canonical form described in the module docstring."""
    text = _to_simplified(text.translate(_WIDTH))
    text = _DECORATION.sub(r"\1", _SPACES.sub(" ", text)).strip()
    if _HAS_HAN.search(text):  # the rules below concern Chinese text
        text = _chinese(text)
    return mask_identifiers(text)


def _chinese(text: str) -> str:
    """The punctuation, spacing and letter-case rules of Chinese text."""
    for _ in range(_MAX_PASSES):  # one rule can feed another: "好 . ." → "好。." → "好……"
        if not _NEEDS_WORK.search(text) and not _DECORATION.search(text):
            break
        settled = _punctuation(text)
        if settled == text:
            break
        text = settled
    return canonical_case(text) if _LATIN.search(text) else text


def normalise_lines(text: str) -> list[str]:
    """Normalise each line of ``text`` on its own, keeping blank lines as ''."""
    return [normalise(line) for line in text.splitlines()]
