"""The two-part opening code that guards a round's sealing private key (DESIGN.md §3, §7).

Like a ballot box with two locks: unsealing needs part 1 (custodian 1) and part 2 (custodian 2),
and the server keeps neither. The parts are created at different moments, so part 2 cannot simply
be combined with part 1. The construction (details in ``docs/crypto.md``):

Step one, :func:`begin_opening` (custodian 1 has just written part 1 down)::

    k1 = Argon2id(part 1, salt1, params)                  # RFC 9106
    d1 = HKDF-SHA256(k1, "svy-open-v1 p256") mod (q-1) + 1  # a P-256 scalar
    keep only P1 = d1·G, salt1, params                   # the "pending opening"

Step two, :func:`complete_opening` (custodian 2 has written part 2 down; the sealing key exists)::

    k2 = Argon2id(part 2, salt2, params)
    E  = fresh ephemeral P-256 key;  z = ECDH(E, P1)      # SP 800-56A, as in RFC 9180 DHKEM
    C2 = HMAC-SHA256(k2, "svy-open-v1 check2")           # confirms part 2 on its own
    K  = HKDF-SHA256(ikm = z ‖ k2, info = label ‖ header)
    keep header = (v, params, salt1, salt2, P1, E·G, sealing public key, nonce, C2)
         and AES-256-GCM(K, nonce, sealing scalar, aad = header)

P1 and C2 let each custodian's re-typed part be confirmed on its own (:func:`check_part`) and
let unwrap say *which* part is wrong. They give an attacker holding the database nothing better
than guessing 70-bit parts, one Argon2id run per guess, which is the same offline test the GCM
tag already offers. Argon2 parameters travel in the blob, so defaults can be raised for new rounds
(and :func:`rewrap_seal_key` re-protects an old blob) without breaking old blobs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from survey.crypto.errors import CorruptKeyBlob, MalformedInput, WrongOpeningCode
from survey.crypto.opening_codes import (
    OpeningPart,
    new_part,
    order_parts,
    parse_part,
    require_number,
)
from survey.crypto.seal import load_seal_public, seal_public_bytes

__all__ = [
    "DEFAULT_PARAMS",
    "FAST_TEST_PARAMS",
    "Argon2Params",
    "OpeningPart",
    "begin_opening",
    "check_part",
    "complete_opening",
    "new_part",
    "order_parts",
    "parse_part",
    "rewrap_seal_key",
    "unwrap_seal_key",
    "wrapped_seal_public",
]

BLOB_VERSION = 1
_PENDING_KIND = "svy-opening-pending"
_WRAPPED_KIND = "svy-opening-wrapped"
_SALT_LEN = 16
_NONCE_LEN = 12
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_MAX_MEMORY_KIB = 2 * 1024 * 1024  # 2 GiB: refuse blobs that would exhaust the server


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters (RFC 9106 §3.1); stored in every blob so they can change later."""

    memory_kib: int = 65536
    time_cost: int = 3
    parallelism: int = 1

    def check(self) -> None:
        """Refuse values argon2 rejects or that would let a damaged blob exhaust the server."""
        ok = (
            type(self.parallelism) is int
            and type(self.time_cost) is int
            and type(self.memory_kib) is int
            and 1 <= self.parallelism <= 64
            and 1 <= self.time_cost <= 64
            and 8 * self.parallelism <= self.memory_kib <= _MAX_MEMORY_KIB
        )
        if not ok:
            raise MalformedInput(f"Argon2id parameters out of range: {self}")

    def to_json(self) -> dict[str, int]:
        return {"m": self.memory_kib, "t": self.time_cost, "p": self.parallelism}


# 64 MiB, 3 passes, 1 lane: about 0.2 s per part on the development machine (bench/crypto.py).
DEFAULT_PARAMS = Argon2Params(memory_kib=65536, time_cost=3, parallelism=1)
# For tests only: the minimum argon2 accepts. Never used for a real round.
FAST_TEST_PARAMS = Argon2Params(memory_kib=8, time_cost=1, parallelism=1)


def _stretch(part: OpeningPart, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id(part) -> 32 bytes; the part number is in the password so parts never swap roles."""
    password = b"svy-open-v1\x00" + bytes([part.number]) + part.secret
    return hash_secret_raw(
        password,
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _part2_check(k2: bytes) -> bytes:
    """A value that confirms a re-typed part 2 on its own, like P1 does for part 1.

    It lets an attacker with the database test guesses of part 2 offline, exactly as P1 does for
    part 1: each guess still costs one Argon2id run over a 70-bit space.
    """
    return hmac.new(k2, b"svy-open-v1 check2", hashlib.sha256).digest()


def _part1_key(
    part1: OpeningPart, salt1: bytes, params: Argon2Params
) -> ec.EllipticCurvePrivateKey:
    """Deterministic P-256 key from part 1 (48 HKDF bytes reduced mod q-1: bias < 2^-128)."""
    okm = HKDF(hashes.SHA256(), 48, salt=None, info=b"svy-open-v1 p256").derive(
        _stretch(part1, salt1, params)
    )
    scalar = int.from_bytes(okm, "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: object, length: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise CorruptKeyBlob("opening blob field is not text")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise CorruptKeyBlob("opening blob field is not base64url") from None
    if length is not None and len(raw) != length:
        raise CorruptKeyBlob("opening blob field has the wrong length")
    return raw


def _canonical(doc: dict[str, object]) -> bytes:
    """One byte string per document: used for storage and as AEAD associated data."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")


def _load(blob: bytes, kind: str, fields: set[str]) -> dict[str, object]:
    """Parse a versioned JSON blob of ``kind`` with exactly ``fields``, else CorruptKeyBlob."""
    try:
        doc = json.loads(bytes(blob).decode("utf-8"))
    except (ValueError, RecursionError):
        raise CorruptKeyBlob("opening blob is not JSON") from None
    if not isinstance(doc, dict) or doc.get("kind") != kind or type(doc.get("v")) is not int:
        raise CorruptKeyBlob(f"not a {kind} blob")
    if doc["v"] != BLOB_VERSION:
        raise CorruptKeyBlob(f"not a version-{BLOB_VERSION} {kind} blob")
    if set(doc) != fields | {"kind", "v"}:
        raise CorruptKeyBlob(f"{kind} blob has unexpected fields")
    return doc


def _params_from(value: object) -> Argon2Params:
    if not isinstance(value, dict) or set(value) != {"m", "t", "p"}:
        raise CorruptKeyBlob("opening blob has no valid Argon2id parameters")
    m, t, p = value["m"], value["t"], value["p"]
    if not (type(m) is int and type(t) is int and type(p) is int):
        raise CorruptKeyBlob("opening blob Argon2id parameters are not integers")
    params = Argon2Params(memory_kib=m, time_cost=t, parallelism=p)
    try:
        params.check()
    except MalformedInput as exc:
        raise CorruptKeyBlob(str(exc)) from None
    return params


def begin_opening(part1_text: str, *, params: Argon2Params = DEFAULT_PARAMS) -> bytes:
    """Step one: from part 1, return the pending-opening blob (JSON bytes) the server may keep.

    It holds only public data: Argon2id parameters, salt1 and the public key P1 derived from part 1.
    """
    params.check()
    part1 = require_number(parse_part(part1_text), 1)
    salt1 = secrets.token_bytes(_SALT_LEN)
    pub1 = seal_public_bytes(_part1_key(part1, salt1, params).public_key())
    doc = {"v": BLOB_VERSION, "kind": _PENDING_KIND, "argon2": params.to_json()}
    doc |= {"salt1": _b64(salt1), "pub1": _b64(pub1)}
    return _canonical(doc)


def _wrap_key(shared: bytes, k2: bytes, header: bytes) -> AESGCM:
    info = b"svy-open-v1 wrap\x00" + header
    return AESGCM(HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(shared + k2))


def complete_opening(
    pending: bytes, part2_text: str, seal_private_key: ec.EllipticCurvePrivateKey
) -> bytes:
    """Step two: wrap the sealing private key under (part 1 via P1) and part 2; return the blob.

    Afterwards the caller must forget ``part2_text`` and ``seal_private_key``; only the returned
    blob and the sealing public key are stored.
    """
    part2 = require_number(parse_part(part2_text), 2)
    doc = _load(pending, _PENDING_KIND, {"argon2", "salt1", "pub1"})
    params = _params_from(doc["argon2"])
    pub1 = load_seal_public(_unb64(doc["pub1"], 65))
    seal_pub = seal_public_bytes(seal_private_key)  # also refuses a non-P-256 key
    salt2 = secrets.token_bytes(_SALT_LEN)
    k2 = _stretch(part2, salt2, params)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    header_doc: dict[str, object] = {
        "v": BLOB_VERSION,
        "kind": _WRAPPED_KIND,
        "argon2": params.to_json(),
        "salt1": doc["salt1"],
        "salt2": _b64(salt2),
        "pub1": doc["pub1"],
        "eph": _b64(seal_public_bytes(ephemeral)),
        "seal_pub": _b64(seal_pub),
        "nonce": _b64(secrets.token_bytes(_NONCE_LEN)),
        "check2": _b64(_part2_check(k2)),
    }
    header = _canonical(header_doc)
    shared = ephemeral.exchange(ec.ECDH(), pub1)
    aead = _wrap_key(shared, k2, header)
    scalar = seal_private_key.private_numbers().private_value.to_bytes(32, "big")
    ct = aead.encrypt(_unb64(header_doc["nonce"]), scalar, header)
    return _canonical(header_doc | {"ct": _b64(ct)})


_WRAPPED_FIELDS = {"argon2", "salt1", "salt2", "pub1", "eph", "seal_pub", "nonce", "check2", "ct"}


def wrapped_seal_public(wrapped: bytes) -> bytes:
    """The 65-byte sealing public key recorded in a wrapped blob (to check it matches the round)."""
    doc = _load(wrapped, _WRAPPED_KIND, _WRAPPED_FIELDS)
    return _unb64(doc["seal_pub"], 65)


def unwrap_seal_key(wrapped: bytes, part_a: str, part_b: str) -> ec.EllipticCurvePrivateKey:
    """Recover the sealing private key from both parts, given in either order.

    Errors, in this order: :class:`OpeningCodeTypo` (from the text alone, no Argon2id run),
    :class:`SamePartTwice`, :class:`CorruptKeyBlob` (unreadable blob), :class:`WrongOpeningCode`
    naming part 1 (checked against P1) or part 2 (checked against C2), and finally
    :class:`CorruptKeyBlob` if both parts are right but the AES-GCM tag fails (altered blob).
    """
    part1, part2 = order_parts(part_a, part_b)
    doc = _load(wrapped, _WRAPPED_KIND, _WRAPPED_FIELDS)
    params = _params_from(doc["argon2"])
    header = _canonical({k: v for k, v in doc.items() if k != "ct"})
    pub1 = _unb64(doc["pub1"], 65)
    eph = load_seal_public(_unb64(doc["eph"], 65))
    key1 = _part1_key(part1, _unb64(doc["salt1"], _SALT_LEN), params)
    if seal_public_bytes(key1) != pub1:
        raise WrongOpeningCode("part 1 does not open this round", part_number=1)
    k2 = _stretch(part2, _unb64(doc["salt2"], _SALT_LEN), params)
    if not hmac.compare_digest(_part2_check(k2), _unb64(doc["check2"], 32)):
        raise WrongOpeningCode("part 2 does not open this round", part_number=2)
    aead = _wrap_key(key1.exchange(ec.ECDH(), eph), k2, header)
    try:
        scalar = aead.decrypt(_unb64(doc["nonce"], _NONCE_LEN), _unb64(doc["ct"]), header)
    except InvalidTag:
        raise CorruptKeyBlob("both parts are right but the wrapped key was altered") from None
    key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    if seal_public_bytes(key) != _unb64(doc["seal_pub"], 65):  # authenticated: only a bug gets here
        raise CorruptKeyBlob("unwrapped key does not match the recorded sealing public key")
    return key


def check_part(blob: bytes, text: str, number: int) -> None:
    """Confirm a custodian re-typed their part correctly, without the other part.

    ``blob`` is the pending blob (part 1) or the wrapped blob (part 1 or 2). Raises
    :class:`OpeningCodeTypo` for a mistyped text and :class:`WrongOpeningCode` for another part.
    """
    part = require_number(parse_part(text), number)
    try:
        doc = _load(blob, _PENDING_KIND, {"argon2", "salt1", "pub1"})
    except CorruptKeyBlob:
        doc = _load(blob, _WRAPPED_KIND, _WRAPPED_FIELDS)
    params = _params_from(doc["argon2"])
    if number == 1:
        key1 = _part1_key(part, _unb64(doc["salt1"], _SALT_LEN), params)
        matches = seal_public_bytes(key1) == _unb64(doc["pub1"], 65)
    else:
        if "check2" not in doc:
            raise CorruptKeyBlob("part 2 can only be checked against a wrapped blob")
        k2 = _stretch(part, _unb64(doc["salt2"], _SALT_LEN), params)
        matches = hmac.compare_digest(_part2_check(k2), _unb64(doc["check2"], 32))
    if not matches:
        raise WrongOpeningCode(f"this is not part {number} of this round", part_number=number)


def rewrap_seal_key(
    wrapped: bytes, part_a: str, part_b: str, *, params: Argon2Params = DEFAULT_PARAMS
) -> bytes:
    """Re-protect a wrapped key under the same two parts with new salts and ``params``.

    For raising Argon2id costs on a round that is still sealed; needs both custodians present.
    """
    key = unwrap_seal_key(wrapped, part_a, part_b)
    part1, part2 = order_parts(part_a, part_b)
    return complete_opening(begin_opening(part1.text, params=params), part2.text, key)
