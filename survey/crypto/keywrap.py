"""Storage wrapping of a round's token signing key under the app secret (DESIGN.md §3).

The token private key must survive process restarts while the round collects, but a copy of the
database alone must not let anyone sign tokens. It is therefore stored as a versioned blob::

    version (1 byte, 0x01) ‖ hkdf salt (16) ‖ nonce (12) ‖ AES-256-GCM(PKCS#8 DER) incl. 16-byte tag

with the key ``HKDF-SHA256(ikm=app secret, salt=random, info="svy-tokkey-v1\\0" ‖ round id)``
(RFC 5869) and the version byte plus info as AES-GCM associated data. Binding the round id means a
wrapped key copied onto another round's row does not unwrap. A fresh salt per blob makes every
wrapping key single-use, so the random 96-bit nonce can never repeat under one key.

:func:`seal_bytes` and :func:`open_bytes` are the same construction for any other value kept under
the app secret with its own purpose label (invitation codes: :mod:`survey.crypto.invitation_codes`).
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from survey.crypto.errors import KeyUnwrapFailed, MalformedInput
from survey.crypto.tokens import encode_round_id

WRAP_VERSION = 1
_INFO_PREFIX = b"svy-tokkey-v1\x00"
_SALT_LEN = 16
_NONCE_LEN = 12
_TAG_LEN = 16
_HEADER_LEN = 1 + _SALT_LEN + _NONCE_LEN


def secret_bytes(app_secret: bytes | str) -> bytes:
    """The app secret as bytes; an empty secret is refused because it would protect nothing."""
    raw = app_secret.encode("utf-8") if isinstance(app_secret, str) else bytes(app_secret)
    if not raw:
        raise MalformedInput("app secret must not be empty")
    return raw


def _wrapping_key(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def seal_bytes(plaintext: bytes, app_secret: bytes | str, info: bytes) -> bytes:
    """Encrypt ``plaintext`` under a fresh key derived from the app secret and ``info``.

    The layout is in the module docstring; ``info`` names the purpose and binds the row (every
    caller starts it with its own versioned label), so a blob copied elsewhere does not open.
    """
    secret = secret_bytes(app_secret)
    salt = secrets.token_bytes(_SALT_LEN)
    nonce = secrets.token_bytes(_NONCE_LEN)
    header = bytes([WRAP_VERSION]) + salt + nonce
    return header + AESGCM(_wrapping_key(secret, salt, info)).encrypt(
        nonce, plaintext, header[:1] + info
    )


def open_bytes(blob: bytes, app_secret: bytes | str, info: bytes) -> bytes:
    """Decrypt a blob from :func:`seal_bytes` made with the same ``info``.

    Raises :class:`KeyUnwrapFailed` for a wrong secret, another ``info``, or any altered byte.
    """
    secret = secret_bytes(app_secret)
    data = bytes(blob)
    if len(data) < _HEADER_LEN + _TAG_LEN or data[0] != WRAP_VERSION:
        raise KeyUnwrapFailed("sealed blob is damaged or of an unknown version")
    salt = data[1 : 1 + _SALT_LEN]
    nonce = data[1 + _SALT_LEN : _HEADER_LEN]
    try:
        return AESGCM(_wrapping_key(secret, salt, info)).decrypt(
            nonce, data[_HEADER_LEN:], data[:1] + info
        )
    except InvalidTag:
        raise KeyUnwrapFailed("wrong app secret or binding, or a damaged blob") from None


def wrap_token_key(key: rsa.RSAPrivateKey, app_secret: bytes | str, round_id: str) -> bytes:
    """Encrypt ``key`` for storage on ``round_id``'s row; the layout is in the module docstring."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return seal_bytes(der, app_secret, _INFO_PREFIX + encode_round_id(round_id))


def unwrap_token_key(blob: bytes, app_secret: bytes | str, round_id: str) -> rsa.RSAPrivateKey:
    """Decrypt a blob from :func:`wrap_token_key`.

    Raises :class:`KeyUnwrapFailed` for a wrong secret, a wrong round, or any altered byte (the
    AES-GCM tag covers the key, the version and the round binding).
    """
    der = open_bytes(blob, app_secret, _INFO_PREFIX + encode_round_id(round_id))
    # The DER was authenticated by the AES-GCM tag above, so it is the key this module wrapped
    # from a key OpenSSL generated: OpenSSL's RSA key check (primality tests of p and q, about
    # 100 ms for RSA-2048, paid on every token issued) would only re-prove that. A damaged key
    # still signs nothing: blind_sign verifies every signature before releasing it.
    key = serialization.load_der_private_key(
        der, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):  # authenticated, so only a bug can get here
        raise KeyUnwrapFailed("wrapped key is not an RSA key")
    return key
