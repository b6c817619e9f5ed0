"""Parsing a JSON request body that may have been written by an attacker.

``json.loads`` alone lets a body reach places it should not: ``[[[[…`` a few thousand levels deep
exhausts the interpreter's recursion limit (a 500, not a 400); ``"\\ud800"`` decodes to a lone
surrogate that no UTF-8 encoder, database driver or template accepts later; ``"\\u0000"`` is a NUL
that PostgreSQL refuses to store; ``NaN`` and ``Infinity`` are not JSON at all; and an object with
a key twice means different things to different parsers. :func:`loads` refuses all of them with
:class:`BadJson`, a ``ValueError``, so callers answer ``400 malformed`` (DESIGN.md section 6).

The size of the body is limited before it gets here (``MAX_CONTENT_LENGTH``, 413), which bounds
the work done on any body. A protocol body (a few strings in one object) costs little more than
``json.loads``: strings are looked at only when the body holds an escape.
"""

from __future__ import annotations

import json
import re
from typing import Any

# No message of the protocol nests deeper than 4; 32 leaves room for any honest client.
MAX_DEPTH = 32

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
    try:
        value = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant
        )
    except RecursionError:
        # The parser guards its own recursion: thousands of levels end here, cleanly.
        raise BadJson(f"the body nests deeper than {max_depth} levels") from None
    except BadJson:
        raise
    except ValueError as error:
        raise BadJson(f"the body is not JSON: {error}") from None
    # Valid UTF-8 holds no surrogate, and JSON refuses a raw NUL in a string: only an escape
    # (a backslash) can produce either, so a body without one needs no look at its strings.
    _check(value, max_depth, check_strings=b"\\" in data)
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise BadJson("an object has the same key twice")
    return value


def _refuse_constant(name: str) -> Any:
    raise BadJson(f"{name} is not a JSON value")


def _check(value: Any, max_depth: int, *, check_strings: bool) -> None:
    """No nesting deeper than ``max_depth``; no string, key or value, with a NUL or a lone
    surrogate (half of a UTF-16 pair). Level by level, so no recursion whatever the body."""
    level, depth = [value], 0
    while level:
        if check_strings and any(
            isinstance(item, str) and _FORBIDDEN_CHARACTER.search(item) for item in level
        ):
            raise BadJson("a string holds a NUL character or a lone surrogate")
        containers = [item for item in level if isinstance(item, dict | list)]
        if containers and depth >= max_depth:
            raise BadJson(f"the body nests deeper than {max_depth} levels")
        level, depth = [], depth + 1
        for container in containers:
            if isinstance(container, dict):
                level.extend(container.keys())
                level.extend(container.values())
            else:
                level.extend(container)
