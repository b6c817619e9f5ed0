"""Invitation codes at rest: found by a keyed hash, shown again only by decryption (DESIGN.md §3).

Whoever holds unused invitation codes can fill them with blank answers so that only one
person's answer remains (the n−1 attack). A copy of the database alone must therefore hold no
usable code, so a code is never stored in plaintext. It is kept twice, both under the app secret:

- **to find it** when an officer sends it: ``HMAC-SHA256(K, "svy-invcode-find-v1\\0" ‖ round id ‖
  "\\0" ‖ code)`` with ``K = HKDF-SHA256(ikm=app secret, salt=none, info="svy-invcode-hmac-v1")``
  (RFC 2104, RFC 5869). Deterministic, so a typed code finds its row with one indexed equality;
  without the app secret nobody can check a guessed code against it offline.
- **to show it again** to the secretary (slips, CSV, messages, the command line; every showing
  after the first is counted for the committee): the :mod:`survey.crypto.keywrap` layout,
  AES-256-GCM under a key derived from the app secret with the purpose label
  ``"svy-invcode-v1\\0" ‖ round id ‖ "\\0" ‖ invitation id``. The label binds the ciphertext to its
  invitation: copied onto another row it does not open.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from survey.crypto.errors import KeyUnwrapFailed, MalformedInput
from survey.crypto.keywrap import open_bytes, seal_bytes, secret_bytes
from survey.crypto.tokens import encode_round_id

_HMAC_KEY_INFO = b"svy-invcode-hmac-v1"
_FIND_PREFIX = b"svy-invcode-find-v1\x00"
_SEAL_PREFIX = b"svy-invcode-v1\x00"


@lru_cache(maxsize=8)
def _find_key(secret: bytes) -> bytes:
    """The HMAC key: derived once per app secret (every token request looks a code up)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HMAC_KEY_INFO).derive(secret)


def _code_bytes(code: str) -> bytes:
    if not isinstance(code, str) or not code:
        raise MalformedInput("an invitation code must be a non-empty string")
    return code.encode("utf-8")


def find_hash(app_secret: bytes | str, round_id: str, code: str) -> bytes:
    """The keyed hash stored beside an invitation and computed again from a typed code.

    ``code`` is taken as given: the caller normalises what was typed (case, spaces) first. Any
    text has a hash (an empty or mistyped code simply finds nothing).
    """
    if not isinstance(code, str):
        raise MalformedInput("an invitation code must be a string")
    key = _find_key(secret_bytes(app_secret))
    message = _FIND_PREFIX + encode_round_id(round_id) + b"\x00" + code.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).digest()


def _seal_info(round_id: str, invitation_id: str) -> bytes:
    return _SEAL_PREFIX + encode_round_id(round_id) + b"\x00" + encode_round_id(invitation_id)


def seal_code(app_secret: bytes | str, round_id: str, invitation_id: str, code: str) -> bytes:
    """The code encrypted for ``invitation_id`` of ``round_id``: only the app secret opens it."""
    return seal_bytes(_code_bytes(code), app_secret, _seal_info(round_id, invitation_id))


def open_code(blob: bytes, app_secret: bytes | str, round_id: str, invitation_id: str) -> str:
    """The code sealed by :func:`seal_code` for this invitation.

    Raises :class:`KeyUnwrapFailed` for a wrong secret, another invitation's blob, or any altered
    byte.
    """
    plain = open_bytes(blob, app_secret, _seal_info(round_id, invitation_id))
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:  # authenticated, so only a bug can get here
        raise KeyUnwrapFailed("sealed invitation code is not text") from None
