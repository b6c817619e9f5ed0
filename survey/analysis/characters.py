"""Characters no reader sees, and characters a Word file cannot hold.

Both kinds are removed from every item (DESIGN §3, "Grouping by handwriting"):

* **Invisible format characters and variation selectors** are what a phone's
  keyboard, an input method or a copy from a web page leaves behind (a soft
  hyphen, a left-to-right mark, an emoji presentation selector, a tag
  sequence). Nobody types them on purpose, so they tell devices, and hence
  writers, apart. Emoji skin-tone modifiers are device and habit too.
* **XML-invalid characters** (C0 controls other than tab and line breaks,
  lone surrogates, U+FFFE and U+FFFF) make the Word export fail: a ``.docx`` is
  XML, and XML 1.0 has no way to write them. C1 controls and the other
  noncharacters are invisible as well and go with them.

Tab and line breaks are kept here; whitespace rules live in
:mod:`survey.analysis.normalise`.
"""

from __future__ import annotations

__all__ = ["REMOVED"]

_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x0008),  # C0 controls, except tab, line feed, carriage return …
    (0x000E, 0x001F),
    (0x007F, 0x009F),  # DEL and C1 controls
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x0600, 0x0605),  # Arabic number signs
    (0x061C, 0x061C),  # Arabic letter mark
    (0x06DD, 0x06DD),  # Arabic end of ayah
    (0x070F, 0x070F),  # Syriac abbreviation mark
    (0x0890, 0x0891),  # Arabic pound and piastre marks above
    (0x08E2, 0x08E2),  # Arabic disputed end of ayah
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates, deprecated controls
    (0x3164, 0x3164),  # Hangul filler
    (0xD800, 0xDFFF),  # lone surrogates
    (0xFDD0, 0xFDEF),  # noncharacters
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space (byte-order mark)
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFFB),  # unassigned specials, interlinear annotation
    (0xFFFE, 0xFFFF),  # noncharacters
    (0x110BD, 0x110BD),  # Kaithi number sign
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers
    (0xE0000, 0xE007F),  # tag characters
    (0xE0100, 0xE01EF),  # variation selectors supplement
)

# Noncharacters at the end of every plane (U+1FFFE, U+1FFFF, … U+10FFFF).
_PLANE_ENDS = tuple((plane << 16) | low for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))

REMOVED: frozenset[int] = frozenset(
    code for low, high in _RANGES for code in range(low, high + 1)
) | frozenset(_PLANE_ENDS)
"""Code points removed from every item, as ``str.translate`` keys."""
