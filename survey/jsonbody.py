"""Parsing a JSON request body that may have been written by an attacker.

``json.loads`` alone lets a body reach places it should not: ``[[[[…`` a few thousand levels deep
exhausts the interpreter's recursion limit (a 500, not a 400); ``"\\ud800"`` decodes to a lone
surrogate that no UTF-8 encoder, database driver or template accepts later; ``"\\u0000"`` is a NUL
that PostgreSQL refuses to store; ``NaN`` and ``Infinity`` are not JSON at all; and an object with
a key twice means different things to different parsers. :func:`loads` refuses all of them with
:class:`BadJson`, a ``ValueError``, so callers answer ``400 malformed`` (DESIGN.md section 6).

The size of the body is limited before it gets here (``MAX_CONTENT_LENGTH``, 413), which bounds
the work done on any body, including the depth scan.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

# No message of the protocol nests deeper than 4; 32 leaves room for any honest client.
MAX_DEPTH = 32

# A JSON string (escapes included), or one bracket outside strings.
_STRING_OR_BRACKET = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")


class BadJson(ValueError):
    """The body is not JSON this service accepts; the message says why, in English."""


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``data`` (UTF-8), or :class:`BadJson`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJson("the body is not valid UTF-8") from None
    if nesting_depth(data) > max_depth:
        raise BadJson(f"the body nests deeper than {max_depth} levels")
    try:
        value = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant
        )
    except RecursionError:  # pragma: no cover - the depth scan refuses these first
        raise BadJson("the body nests too deeply") from None
    except BadJson:
        raise
    except ValueError as error:
        raise BadJson(f"the body is not JSON: {error}") from None
    _check_strings(value)
    return value


def nesting_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in ``data``, counting only brackets outside strings.

    A bracket inside a string that never ends is counted too; such a body is refused anyway.
    """
    brackets = [
        1 if token in (b"[", b"{") else -1
        for token in _STRING_OR_BRACKET.findall(data)
        if not token.startswith(b'"')
    ]
    return max(accumulate(brackets), default=0)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise BadJson("an object has the same key twice")
    return value


def _refuse_constant(name: str) -> Any:
    raise BadJson(f"{name} is not a JSON value")


def _check_strings(value: Any) -> None:
    """No string, key or value, holds a NUL or a lone surrogate (half of a UTF-16 pair)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and _FORBIDDEN_CHARACTER.search(item):
            raise BadJson("a string holds a NUL character or a lone surrogate")
