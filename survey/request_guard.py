"""The first check of every request: what no page of this site could have sent is refused
before any view, rate limiter or database sees it.

- A NUL character, or bytes that are not UTF-8, in the address, the query or a form field:
  PostgreSQL refuses to store a NUL (a 500 if it got that far), and Werkzeug would quietly turn
  broken UTF-8 into U+FFFD, storing text nobody typed. Such a path names no page (404); such a
  query or form is refused (400).
- An address longer than any of ours (414).
- A body on a staff page that is not a form (415): the pages send forms only, and Flask-WTF would
  otherwise read a JSON body as form data. The officers' JSON API checks its own bodies, in the
  order DESIGN.md section 6 gives (415, 413, then ``survey.jsonbody``).
- A body over ``MAX_CONTENT_LENGTH`` (413), refused before anything reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound, RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from survey.errors import DomainError, InvalidInput, wants_json

# Longest path and query accepted, in bytes as sent. Round ids are 32 characters at most; the
# longest honest query is a search of 100 Chinese characters, about 900 bytes percent-encoded.
MAX_PATH_BYTES = 1024
MAX_QUERY_BYTES = 4096
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# No address of this site holds a control character.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnreadableInput(InvalidInput):
    """The query or a form field holds a NUL character or text that is not UTF-8."""

    code = "malformed"

    def default_message(self) -> str:
        return str(
            _l(
                "The request could not be read: it holds characters that are not allowed (a NUL"
                " character, or text that is not UTF-8), or it is not a well-formed form."
                " Nothing was changed."
            )
        )


class AddressTooLong(DomainError):
    """The path or the query is longer than any address of this site."""

    status = 414
    code = "too_large"

    def default_message(self) -> str:
        return str(_l("The address is too long. Nothing was changed."))


def install_request_guard(app: Flask) -> None:
    """Run :func:`refuse_malformed_request` before every other hook (the rate limiter's too)."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_malformed_request)


def refuse_malformed_request() -> None:
    """Raise the refusal for a request no page of this site sends; None lets it through."""
    path = _raw_path()
    if len(path) > MAX_PATH_BYTES or len(request.query_string) > MAX_QUERY_BYTES:
        raise AddressTooLong()
    text = _utf8(path)
    if text is None or _CONTROL.search(text):
        raise _unknown_address()
    if not all(_clean(value) for value in _urlencoded_parts(request.query_string)):
        raise UnreadableInput()
    if wants_json() or request.method not in BODY_METHODS:
        return
    if not _has_body():
        return
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType()
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    body = request.get_data(cache=True)  # the form parser reads this same copy later
    if request.mimetype == "multipart/form-data":
        values = _multipart_fields(body, request.mimetype_params.get("boundary", ""))
    else:
        values = _urlencoded_parts(body)
    if not all(_clean(value) for value in values):
        raise UnreadableInput()


def _unknown_address() -> DomainError | NotFound:
    if request.path.startswith("/api/v1/rounds/"):
        from survey.rounds.errors import UnknownRound

        return UnknownRound()
    return NotFound()


def _raw_path() -> bytes:
    """The path as the client sent it, percent-decoded (WSGI carries bytes as Latin-1)."""
    path = request.environ.get("PATH_INFO", "")
    return path.encode("latin-1", "replace") if isinstance(path, str) else bytes(path)


def _has_body() -> bool:
    chunked = request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    return chunked or bool(request.content_length)


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _clean(data: bytes) -> bool:
    """UTF-8 (which also excludes encoded surrogates) without a NUL."""
    text = _utf8(data)
    return text is not None and "\x00" not in text


def _urlencoded_parts(data: bytes) -> Iterator[bytes]:
    """Every name and value of ``a=1&b=2``, percent-decoded to bytes."""
    for pair in data.split(b"&"):
        for part in pair.replace(b"+", b" ").split(b"=", 1):
            yield unquote_to_bytes(part)


def _multipart_fields(body: bytes, boundary: str) -> Iterator[bytes]:
    """The names and values of a multipart form's fields (not the files' contents)."""
    if not boundary:
        raise UnreadableInput()
    decoder = MultipartDecoder(boundary.encode("latin-1", "replace"))
    decoder.receive_data(body)
    decoder.receive_data(None)
    chunks: list[bytes] | None = None
    while True:
        try:
            event = decoder.next_event()
        except ValueError:  # part headers that are not UTF-8, or no valid multipart at all
            raise UnreadableInput() from None
        if isinstance(event, NeedData | Epilogue):
            return
        if isinstance(event, File):
            chunks = None
            yield event.name.encode("utf-8", "surrogatepass")
            yield event.filename.encode("utf-8", "surrogatepass")
        elif isinstance(event, Field):
            chunks = []
            yield event.name.encode("utf-8", "surrogatepass")
        elif isinstance(event, Data) and chunks is not None:
            chunks.append(event.data)
            if not event.more_data:
                yield b"".join(chunks)
