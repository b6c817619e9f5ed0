"""Wire encodings of the officers' protocol (DESIGN.md section 6): strict base64url, hex."""

from __future__ import annotations

import base64
import binascii
import re

_B64U = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def b64u_encode(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: object) -> bytes:
    """base64url with or without ``=`` padding; anything else raises ValueError."""
    if not isinstance(text, str) or not _B64U.fullmatch(text):
        raise ValueError("not base64url")
    body = text.rstrip("=")
    if len(body) % 4 == 1:
        raise ValueError("not base64url: impossible length")
    padded = body + "=" * (-len(body) % 4)
    if text != body and text != padded:
        raise ValueError("not base64url: wrong padding")
    try:
        decoded = base64.b64decode(padded.translate(str.maketrans("-_", "+/")), validate=True)
    except binascii.Error:
        raise ValueError("not base64url") from None
    if b64u_encode(decoded) != body:
        raise ValueError("not base64url: non-canonical trailing bits")
    return decoded
