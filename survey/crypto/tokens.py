"""Token message layout, version 1 (DESIGN.md §6), and the spent key derived from a token.

The officer's browser builds ``msg = b"svy-tok-v1\\x00" + round_id + b"\\x00" + nonce`` (32 random
bytes) and prepends a 32-byte random ``msg_prefix`` (RFC 9474 §4.1 PrepareRandomize), giving
``input_msg``. The round id inside the signed bytes is what stops a token issued for one round
being spent in another (RFC 9474 §7.2, message robustness: one key per round *and* the round id in
the message).

Parsing rule of :func:`parse_token`, exactly:

1. ``len(input_msg) >= MIN_TOKEN_LEN`` (77 = 32 prefix + 11 magic + 1 id + 1 NUL + 32 nonce),
   otherwise :class:`MalformedToken` ("shorter than its layout").
2. ``input_msg[32:43] == b"svy-tok-v1\\x00"``, otherwise :class:`MalformedToken`.
3. The last 32 bytes are the nonce; the byte before them is ``\\x00``; the bytes between the magic
   and that NUL are the round id, which must match ``[a-z0-9]+`` (ASCII). Anything else is
   :class:`MalformedToken`. Because an id never contains NUL, the split is unambiguous even when the
   nonce contains NUL bytes.
4. The well-formed id differs from the expected round id: :class:`WrongRoundToken`.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from survey.crypto.errors import MalformedInput, MalformedToken, WrongRoundToken

TOKEN_MAGIC = b"svy-tok-v1\x00"
PREFIX_LEN = 32  # RFC 9474 §4.1: PrepareRandomize prepends 32 random bytes
NONCE_LEN = 32
SPENT_KEY_LEN = 32
# prefix + magic + shortest id (1 char) + NUL + nonce
MIN_TOKEN_LEN = PREFIX_LEN + len(TOKEN_MAGIC) + 1 + 1 + NONCE_LEN

_ROUND_ID = re.compile(rb"[a-z0-9]+")


def is_round_id(value: bytes) -> bool:
    """True when ``value`` is a valid round id (DESIGN.md §6: lowercase letters and digits)."""
    return _ROUND_ID.fullmatch(value) is not None


def encode_round_id(round_id: str) -> bytes:
    """Return the ASCII bytes of ``round_id`` or raise :class:`MalformedInput`.

    Every byte layout that embeds a round id (token message, HPKE info, key-wrap info) goes through
    here, so an id with a NUL or non-ASCII character can never make two layouts collide.
    """
    if not isinstance(round_id, str) or not round_id.isascii():
        raise MalformedInput("round id must be lowercase ASCII letters and digits")
    raw = round_id.encode("ascii")
    if not is_round_id(raw):
        raise MalformedInput("round id must be lowercase ASCII letters and digits")
    return raw


def build_token_message(round_id: str, nonce: bytes | None = None) -> bytes:
    """Build ``msg`` (without the RFC 9474 prefix) for ``round_id``; the browser does the same.

    ``nonce`` is injectable for tests; by default 32 fresh random bytes, which is what makes every
    token distinct and its spent key unguessable.
    """
    if nonce is None:
        nonce = secrets.token_bytes(NONCE_LEN)
    if len(nonce) != NONCE_LEN:
        raise MalformedInput(f"token nonce must be {NONCE_LEN} bytes")
    return TOKEN_MAGIC + encode_round_id(round_id) + b"\x00" + bytes(nonce)


def parse_token(input_msg: bytes, round_id: str) -> bytes:
    """Check that ``input_msg`` is a version-1 token for ``round_id`` and return its nonce.

    See the module docstring for the exact rule. Malformed layouts are checked before the round
    so the web layer can answer 400 before 403 (DESIGN.md §6, failure order).
    """
    expected = encode_round_id(round_id)
    data = bytes(input_msg)
    if len(data) < MIN_TOKEN_LEN:
        raise MalformedToken(f"token is {len(data)} bytes, shorter than its layout")
    body = data[PREFIX_LEN:]
    if not body.startswith(TOKEN_MAGIC):
        raise MalformedToken("token does not start with the svy-tok-v1 layout")
    nonce = body[-NONCE_LEN:]
    middle = body[len(TOKEN_MAGIC) : -NONCE_LEN]
    if not middle.endswith(b"\x00") or not is_round_id(middle[:-1]):
        raise MalformedToken("token round id or separator is malformed")
    if middle[:-1] != expected:
        raise WrongRoundToken("token was issued for another round")
    return nonce


def spent_key(input_msg: bytes) -> bytes:
    """SHA-256 of the whole ``input_msg`` (DESIGN.md §3, §6); its hex is the officer's receipt.

    Hashing the prefixed message (not just the nonce) means two tokens differing anywhere are
    different spends, and the value stored says nothing about the nonce alone.
    """
    return hashlib.sha256(bytes(input_msg)).digest()


def receipt(input_msg: bytes) -> str:
    """Lowercase hex of :func:`spent_key`, as shown to the officer and on the receipts board."""
    return spent_key(input_msg).hex()
