"""Text format of one part of the two-part opening code (DESIGN.md §3, §7).

A part is 16 Crockford base32 characters shown as four groups of four, e.g. ``1K7M-3QXD-9TRE-5WA8``:

- character 1: the part number, ``1`` or ``2``, so the parts can be given in either order;
- characters 2-15: 14 random symbols = 70 bits of secret (more than the 64 required);
- character 16: a check symbol over characters 1-15.

The alphabet ``0123456789ABCDEFGHJKMNPQRSTVWXYZ`` has no I, L, O or U, so nothing reads as
something else. Parsing is forgiving where it cannot be wrong and strict elsewhere: either case,
any ``-`` and whitespace ignored, ``I``/``L`` read as ``1`` and ``O`` as ``0`` (Crockford's rule).

Check symbol: symbols are elements of GF(32) (polynomial x^5 + x^2 + 1). Position ``i`` (0-based,
the check symbol is position 15) has weight alpha^(15 - i) and a valid part has weighted XOR-sum
0. The 16 weights are distinct non-zero elements, so every single-symbol substitution and every
swap of two different symbols, adjacent or not, is detected; a random error slips through with
probability 1/32. This runs before any Argon2id work, so a typo costs nothing and is named.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from survey.crypto.errors import OpeningCodeTypo, SamePartTwice, WrongPartNumber

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PART_NUMBERS = (1, 2)
SECRET_SYMBOLS = 14
SECRET_BITS = 5 * SECRET_SYMBOLS  # 70
SECRET_BYTES = (SECRET_BITS + 7) // 8  # 9
PART_LENGTH = 1 + SECRET_SYMBOLS + 1  # 16
GROUP_SIZE = 4

_VALUES = {c: i for i, c in enumerate(ALPHABET)} | {"I": 1, "L": 1, "O": 0}
_IGNORED = re.compile(r"[\s\-]+")
_GF_POLY = 0b100101  # x^5 + x^2 + 1, primitive: alpha = x has order 31


def _gf_mul(a: int, b: int) -> int:
    """Multiply in GF(32) modulo x^5 + x^2 + 1."""
    result = 0
    while b:
        if b & 1:
            result ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _GF_POLY
    return result


def _weights(count: int) -> list[int]:
    """alpha^(count-1), ..., alpha^1, alpha^0: distinct for count <= 31."""
    powers = [1]
    for _ in range(count - 1):
        powers.append(_gf_mul(powers[-1], 2))
    return powers[::-1]


_WEIGHTS = _weights(PART_LENGTH)


def _weighted_sum(values: list[int]) -> int:
    total = 0
    for value, weight in zip(values, _WEIGHTS, strict=False):
        total ^= _gf_mul(value, weight)
    return total


def check_symbol(values: list[int]) -> int:
    """The check value making the weighted sum of ``values + [check]`` zero (check weight 1)."""
    return _weighted_sum(values)


@dataclass(frozen=True)
class OpeningPart:
    """One custodian's part: its number and its 70-bit secret (9 bytes, big-endian)."""

    number: int
    secret: bytes = field(repr=False)

    @property
    def text(self) -> str:
        """The canonical written form, e.g. ``1K7M-3QXD-9TRE-5WA8``."""
        value = int.from_bytes(self.secret, "big")
        symbols = [self.number] + [
            (value >> (5 * (SECRET_SYMBOLS - 1 - i))) & 31 for i in range(SECRET_SYMBOLS)
        ]
        symbols.append(check_symbol(symbols))
        chars = "".join(ALPHABET[s] for s in symbols)
        return "-".join(chars[i : i + GROUP_SIZE] for i in range(0, PART_LENGTH, GROUP_SIZE))


def _check_number(number: int) -> None:
    if number not in PART_NUMBERS:
        raise WrongPartNumber(f"opening-code parts are numbered 1 and 2, not {number!r}")


def new_part(number: int) -> str:
    """A fresh random part with the given number (1 or 2), in its written form."""
    _check_number(number)
    secret = secrets.randbits(SECRET_BITS).to_bytes(SECRET_BYTES, "big")
    return OpeningPart(number, secret).text


def parse_part(text: str) -> OpeningPart:
    """Read a typed part, raising :class:`OpeningCodeTypo` with a message saying what is wrong.

    Never raises anything else, whatever the input: this is fed raw form and stdin text.
    """
    if not isinstance(text, str):
        raise OpeningCodeTypo("an opening-code part must be text", kind="type")
    compact = _IGNORED.sub("", text).upper()
    if not compact:
        raise OpeningCodeTypo(
            f"opening-code part is empty; expected {PART_LENGTH} characters", kind="empty"
        )
    number = 1 if compact[:1] in ("1", "I", "L") else 2 if compact[:1] == "2" else None
    label = f"part {number}" if number else "opening-code part"
    if number is None:
        raise OpeningCodeTypo(
            f"{label}: the first character must be the part number, 1 or 2", kind="number"
        )
    bad = sorted({c for c in compact if c not in _VALUES})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:3])
        raise OpeningCodeTypo(f"{label}: {shown} cannot appear in a part", number, kind="character")
    if len(compact) != PART_LENGTH:
        raise OpeningCodeTypo(
            f"{label}: expected {PART_LENGTH} characters (4 groups of 4), got {len(compact)}",
            number,
            kind="length",
            length=len(compact),
        )
    values = [_VALUES[c] for c in compact]
    if _weighted_sum(values) != 0:
        raise OpeningCodeTypo(
            f"{label}: the check character does not match; look for a typo", number
        )
    secret_value = 0
    for v in values[1:-1]:
        secret_value = (secret_value << 5) | v
    return OpeningPart(number, secret_value.to_bytes(SECRET_BYTES, "big"))


def order_parts(part_a: str, part_b: str) -> tuple[OpeningPart, OpeningPart]:
    """Parse two typed parts given in any order and return them as (part 1, part 2).

    Typos in either part are reported before anything else; two parts with the same number raise
    :class:`SamePartTwice` (the same custodian's part typed twice cannot open the round).
    """
    first, second = parse_part(part_a), parse_part(part_b)
    if first.number == second.number:
        raise SamePartTwice(
            f"both parts are part {first.number}; the other custodian's part is needed"
        )
    return (first, second) if first.number == 1 else (second, first)


def require_number(part: OpeningPart, number: int) -> OpeningPart:
    """Return ``part`` if it carries ``number``, else raise :class:`WrongPartNumber`."""
    if part.number != number:
        raise WrongPartNumber(f"this step needs part {number}, but part {part.number} was given")
    return part
