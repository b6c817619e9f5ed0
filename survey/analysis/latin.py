"""One letter case for Latin words written among Chinese text.

``APP``, ``app`` and ``App`` are one word written by three habits (or three
keyboards: some capitalise the first letter of a line, some never do), and a
habit tells writers apart (DESIGN §3). Every Latin word in Chinese text is
therefore written in one case, chosen for how a Chinese reader expects it:

* words a branch commonly writes have their usual form: ``WiFi``, ``iPhone``,
  ``WeChat``, ``Excel``, ``Word`` (:data:`KNOWN`);
* any other word of up to four letters is read as an abbreviation and
  written in capitals: ``APP``, ``PPT``, ``OA``, ``QQ``, ``4G``, ``U盘``;
* a longer word is written with a capital first letter: ``Windows``,
  ``Python``.

The form depends on the letters alone, never on how they were typed, so the
rule is idempotent. Text without Chinese is left alone (an English sentence
has a case of its own); see docs/analysis.md.
"""

from __future__ import annotations

import re

__all__ = ["KNOWN", "canonical_case"]

_ABBREVIATION_LETTERS = 4

_KNOWN_WORDS = """
    WiFi iPhone iPad iOS WeChat Excel Word PowerPoint Office Email Android Windows Linux
    Mac macOS Java Python GitHub Chrome Edge Safari Firefox Outlook Photoshop Kindle
    iCloud AirDrop Bluetooth
"""
KNOWN: dict[str, str] = {word.lower(): word for word in _KNOWN_WORDS.split()}

# A Latin word: letters and digits with at least one letter, not touching other
# letters or digits (Chinese characters are word characters, so ``\b`` would not do).
_WORD = re.compile(r"(?<![A-Za-z0-9])[0-9]*[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])")


def _canonical(match: re.Match[str]) -> str:
    word = match.group(0)
    known = KNOWN.get(word.lower())
    if known is not None:
        return known
    if sum(char.isalpha() for char in word) <= _ABBREVIATION_LETTERS:
        return word.upper()
    return word[:1].upper() + word[1:].lower() if word[0].isalpha() else word.lower()


def canonical_case(text: str) -> str:
    """``text`` with every Latin word in its canonical case (see the module docstring)."""
    return _WORD.sub(_canonical, text)
