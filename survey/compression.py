"""Smaller static text assets and officers' pages (DESIGN.md section 5: ≤ 30 KB on the wire).

An officer on a mobile network loads the invitation page, the answer page and their commented
JavaScript. Two measures here keep that within the budget:

- JavaScript and CSS are served without their whole-line comments (the files in the repository
  keep them; only lines that are nothing but a comment are dropped, so code is never touched);
- static text files and the officers' page shells are gzipped when the client accepts it.

The others live where they belong: scripts and style sheets carry no document-only headers
(survey/security.py); the officer pages have their own small style sheet and no icon file; the
review and sealing modules load once the officer starts typing, the typed-code path only when a
code is typed; the invitation page hands the round's keys to the answer page (officer/common.js).
`bench/officer_page.py` measures the whole way.

Only responses that hold no secret are compressed: static files and the officers' static page
shells. Staff pages (CSRF tokens, names) and the JSON API are never compressed, so no secret ever
shares a compression window with text an attacker can influence (BREACH).
"""

from __future__ import annotations

import gzip
from collections import OrderedDict

from flask import Flask, Response, request

COMPRESSIBLE_TYPES = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"}
)
JAVASCRIPT_TYPES = frozenset({"text/javascript", "application/javascript"})
# Served without whole-line comments: scripts, and style sheets (whose /* … */ blocks the same
# line-based pass drops; our CSS has no "//" lines and no comment markers inside strings).
COMMENTED_TYPES = JAVASCRIPT_TYPES | {"text/css"}
# Flask's static endpoint and the officers' blueprint: the only responses that may be compressed.
STATIC_ENDPOINT = "static"
OFFICER_PREFIX = "officer."
MIN_SIZE = 512
LEVEL = 6
_CACHE_SIZE = 64


def strip_js_comments(source: str) -> str:
    """Drop the lines of ``source`` that hold only a comment (``// …`` or a ``/* … */`` block).

    A line-based pass, not a parser: it never changes a line that holds code. A file with a
    template literal spanning lines (an odd number of backticks on a line) is left as it is,
    since a "comment" there would be part of a string.
    """
    lines = source.split("\n")
    if any(line.count("`") % 2 for line in lines):
        return source
    kept: list[str] = []
    in_block = False
    for line in lines:
        text = line.strip()
        if in_block:
            end = text.find("*/")
            if end < 0:
                continue
            in_block = False
            rest = text[end + 2 :].strip()
            if rest:
                kept.append(rest)
            continue
        if text.startswith("//"):
            continue
        if text.startswith("/*"):
            end = text.find("*/", 2)
            if end < 0:
                in_block = True
                continue
            if not text[end + 2 :].strip():
                continue
        kept.append(line)
    return "\n".join(kept)


class _StaticCache:
    """Prepared static files, keyed by path and ETag, so each is stripped and compressed once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    def get(self, key: tuple[str, str], data: bytes, *, javascript: bool) -> bytes:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        if javascript:
            data = strip_js_comments(data.decode("utf-8")).encode("utf-8")
        packed = gzip.compress(data, LEVEL, mtime=0)
        self.items[key] = packed
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return packed


def _eligible_endpoint() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == STATIC_ENDPOINT or endpoint.startswith(OFFICER_PREFIX)


def _wanted(response: Response) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if "Content-Encoding" in response.headers or "Content-Range" in response.headers:
        return False
    if response.mimetype not in COMPRESSIBLE_TYPES:
        return False
    return request.accept_encodings["gzip"] > 0


def install_compression(app: Flask) -> None:
    """Compress eligible responses when the client accepts gzip."""
    cache = _StaticCache(_CACHE_SIZE)

    @app.after_request
    def _gzip(response: Response) -> Response:
        if not _eligible_endpoint():
            return response
        response.vary.add("Accept-Encoding")
        if not _wanted(response):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        etag, _weak = response.get_etag()
        if request.endpoint == STATIC_ENDPOINT and etag:
            javascript = response.mimetype in COMMENTED_TYPES
            packed = cache.get((request.path, etag), data, javascript=javascript)
            # Same opaque tag, weak: If-None-Match uses weak comparison, so 304s keep working
            # and the compressed bytes are never taken for the identical representation.
            response.set_etag(etag, weak=True)
        else:
            packed = gzip.compress(data, LEVEL, mtime=0)
        response.set_data(packed)
        response.headers["Content-Encoding"] = "gzip"
        # Byte ranges would refer to the uncompressed file; the file name says nothing useful.
        for name in ("Accept-Ranges", "Content-Disposition"):
            response.headers.pop(name, None)
        return response
