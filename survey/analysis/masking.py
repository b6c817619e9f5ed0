"""Mask phone, identity-card and badge numbers in opinion text.

An officer who writes 「有事打我电话13812345678」 or quotes a colleague's badge
number has named a person; the committee must not read it, and the Word file
must not keep it (issue 11). Masking happens in :func:`normalise`, so every
item is masked before it is stored, whichever way it arrived (an answer at
unseal, a paper form, the command line). Rules, applied to normalised text
(ASCII digits, one space at most):

* **Mobile numbers**: ``1[3-9]`` and nine more digits, optionally led by
  ``+86``/``86`` and grouped by spaces or hyphens (3-4-4): the middle four
  digits become ``****`` and the grouping goes (``138****5678``; how one
  groups digits is a habit too).
* **Landline numbers**: an area code (``0`` and two or three digits), an
  optional space or hyphen, seven or eight digits: all but the last four
  digits of the local number become ``*``, written ``0571-****4321``.
* **Identity-card and bank-card numbers**: a run of 15 to 19 digits (the
  last may be ``X``): all but the first four and the last four become ``*``
  (``1101**********1234``).
* **Badge and staff numbers**: 3 to 10 digits (optionally led by letters)
  written right after 警号, 工号, 辅警号, 警员编号, 辅警编号, QQ or 微信号 (with up to
  three characters between, such as 是、为、：、号码): every digit becomes
  ``*`` (``警号******``). Badge numbers are short and a station's officers
  share their leading digits, so no digit is worth keeping. A bare six-digit
  number without such a word is not masked: dates, amounts and case numbers
  look the same; the answer page warns about long digit strings before
  sending (DESIGN §3).

Masks keep the length of what they hide. Masked text never matches a rule
again, so masking is idempotent.
"""

from __future__ import annotations

import re

__all__ = ["mask_identifiers"]

_NOT_DIGIT_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![0-9A-Za-z])"

_BADGE = re.compile(
    r"(?P<lead>(?:警号|工号|辅警号|警员编号|辅警编号|QQ|微信号)[是为：: 号码的]{0,4})"
    r"(?P<number>[A-Za-z]{0,3}[0-9]{3,10})" + _NOT_DIGIT_AFTER
)
_LONG_NUMBER = re.compile(_NOT_DIGIT_BEFORE + r"[0-9]{14,18}[0-9X]" + _NOT_DIGIT_AFTER)
_MOBILE = re.compile(
    r"(?<![0-9])(?P<prefix>(?:\+?86[ -]?)?)(?P<head>1[3-9][0-9])[ -]?"
    r"[0-9]{4}[ -]?(?P<tail>[0-9]{4})(?![0-9])"
)
_LANDLINE = re.compile(r"(?<![0-9])(?P<area>0[1-9][0-9]{1,2})[ -]?(?P<local>[0-9]{7,8})(?![0-9])")


def _badge(match: re.Match[str]) -> str:
    return match.group("lead") + re.sub(r"[0-9]", "*", match.group("number"))


def _long_number(match: re.Match[str]) -> str:
    number = match.group(0)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _mobile(match: re.Match[str]) -> str:
    prefix = "+86 " if match.group("prefix") else ""
    return f"{prefix}{match.group('head')}****{match.group('tail')}"


def _landline(match: re.Match[str]) -> str:
    local = match.group("local")
    return match.group("area") + "-" + "*" * (len(local) - 4) + local[-4:]


def mask_identifiers(text: str) -> str:
    """``text`` with phone, identity-card and badge numbers masked (module docstring)."""
    if not any(char.isdigit() for char in text):
        return text
    text = _BADGE.sub(_badge, text)
    text = _LONG_NUMBER.sub(_long_number, text)
    text = _MOBILE.sub(_mobile, text)
    return _LANDLINE.sub(_landline, text)
