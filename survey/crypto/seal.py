"""Sealed answers: HPKE (RFC 9180) Base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM.

Why: the browser seals each answer to the round's sealing public key before it leaves the phone,
so the server never holds a readable answer while the round is open (DESIGN.md §3). Opening uses
only the public one-shot API of ``cryptography.hazmat.primitives.hpke`` (``Suite.encrypt`` /
``Suite.decrypt``, empty aad); ``sealed`` is exactly the ``enc ‖ ct`` that API produces
(RFC 9180 §6.1 single-shot API, ``enc`` = 65-byte uncompressed P-256 point, RFC 9180 §7.1.1).

Plaintext layout (DESIGN.md §6): ``{"v": 1, "answers": {section id: text}}`` as UTF-8 JSON, padded
with ASCII spaces to one of three fixed sizes, so the ciphertext length says little about the text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from survey.crypto.errors import (
    AnswerTooLarge,
    MalformedInput,
    UndecryptableAnswer,
    UnreadableAnswer,
)
from survey.crypto.tokens import encode_round_id

SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
ENC_LEN = 65  # RFC 9180 §7.1: Nenc for DHKEM(P-256)
TAG_LEN = 16  # RFC 9180 §7.3: Nt for AES-128-GCM
PUBLIC_LEN = 65  # uncompressed SEC1 point, RFC 9180 §7.1.1 SerializePublicKey
PADDED_SIZES = (4096, 16384, 65536)
SEALED_SIZES = (4177, 16465, 65617)
MAX_SEALED_BYTES = 65617
ANSWER_INFO_PREFIX = b"svy-ans-v1\x00"
ANSWER_VERSION = 1

assert tuple(p + ENC_LEN + TAG_LEN for p in PADDED_SIZES) == SEALED_SIZES
assert max(SEALED_SIZES) == MAX_SEALED_BYTES


def generate_seal_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key pair for one round's sealed answers."""
    return ec.generate_private_key(ec.SECP256R1())


def seal_public_bytes(
    key_or_pub: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey,
) -> bytes:
    """The 65-byte uncompressed point (RFC 9180 §7.1.1) served to browsers and fingerprinted."""
    pub = (
        key_or_pub.public_key()
        if isinstance(key_or_pub, ec.EllipticCurvePrivateKey)
        else key_or_pub
    )
    if not isinstance(pub.curve, ec.SECP256R1):
        raise MalformedInput("sealing key must be on P-256")
    return pub.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def load_seal_public(data: bytes) -> ec.EllipticCurvePublicKey:
    """Parse a 65-byte uncompressed P-256 point, refusing anything not on the curve.

    RFC 9180 §7.1.4 requires public key validation for the NIST curves; OpenSSL does it on load.
    """
    raw = bytes(data)
    if len(raw) != PUBLIC_LEN or raw[0] != 0x04:
        raise MalformedInput("sealing public key must be a 65-byte uncompressed P-256 point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise MalformedInput("sealing public key is not a point on P-256") from None


def answer_info(round_id: str) -> bytes:
    """HPKE ``info`` binding a sealed answer to its round (RFC 9180 §5.1 key schedule input).

    An answer sealed for one round fails to open in any other, even under the same key.
    """
    return ANSWER_INFO_PREFIX + encode_round_id(round_id)


def check_sealed_size(n: int) -> None:
    """Refuse any sealed length other than the three allowed (DESIGN.md §6: 400 ``malformed``)."""
    if n not in SEALED_SIZES:
        allowed = ", ".join(str(s) for s in SEALED_SIZES)
        raise MalformedInput(f"sealed answer is {n} bytes; allowed sizes are {allowed}")


def _well_formed(text: str) -> str:
    """Replace lone surrogates by U+FFFD, as the browser's ``padAnswer`` does: both sides agree."""
    if text.isascii():
        return text
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def pad_answer(answers: Mapping[str, str]) -> bytes:
    """Encode answers as the version-1 JSON and pad with spaces to the smallest size that fits.

    Same bytes as the browser's ``padAnswer`` for the same answers (Python's default separators,
    ``ensure_ascii=False``). Raises :class:`AnswerTooLarge` above 65,536 bytes and
    :class:`MalformedInput` for non-string section ids or texts.
    """
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items()):
        raise MalformedInput("answers must map section ids (str) to texts (str)")
    clean = {_well_formed(k): _well_formed(v) for k, v in answers.items()}
    raw = json.dumps({"v": ANSWER_VERSION, "answers": clean}, ensure_ascii=False).encode("utf-8")
    for size in PADDED_SIZES:
        if len(raw) <= size:
            return raw + b" " * (size - len(raw))
    raise AnswerTooLarge(f"answer is {len(raw)} bytes encoded; the limit is {PADDED_SIZES[-1]}")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise UnreadableAnswer("duplicate key in answer JSON")
    return dict(pairs)


def _reject_constant(name: str) -> None:
    raise UnreadableAnswer(f"non-standard JSON constant {name}")


def _decode_json(plaintext: bytes) -> object:
    """UTF-8 JSON object after trailing spaces; strict about everything JSON leaves lenient."""
    if len(plaintext) not in PADDED_SIZES:
        raise UnreadableAnswer(f"plaintext is {len(plaintext)} bytes, not a padded size")
    body = plaintext.rstrip(b" ")
    if not (body.startswith(b"{") and body.endswith(b"}")):
        raise UnreadableAnswer("plaintext is not a JSON object padded with spaces")
    try:
        text = body.decode("utf-8")
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or an int over 4300 digits
        raise UnreadableAnswer("plaintext is not valid UTF-8 JSON") from None


def _is_clean_text(value: object) -> bool:
    """A str that encodes to UTF-8, i.e. no lone surrogates smuggled in as ``\\ud800`` escapes."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_answer(plaintext: bytes) -> dict[str, str]:
    """Parse a padded version-1 plaintext into ``{section id: text}`` or raise UnreadableAnswer.

    Accepts any valid JSON spelling (the browser's ``JSON.stringify`` is compact, Python's is not)
    but nothing else: exactly the keys ``v`` and ``answers``, ``v`` the integer 1, ``answers`` an
    object of strings. Unknown section ids are the caller's business (DESIGN.md §6).
    """
    doc = _decode_json(bytes(plaintext))
    if not isinstance(doc, dict) or set(doc) != {"v", "answers"}:
        raise UnreadableAnswer('answer must be an object with exactly "v" and "answers"')
    version = doc["v"]
    if type(version) is not int or version != ANSWER_VERSION:  # bool is an int: refuse true
        raise UnreadableAnswer(f"unsupported answer version {version!r}")
    answers = doc["answers"]
    if not isinstance(answers, dict):
        raise UnreadableAnswer('"answers" must be an object')
    for key, value in answers.items():
        if not _is_clean_text(key) or not _is_clean_text(value):
            raise UnreadableAnswer("answers must map strings to strings")
    return dict(answers)


def seal(public65: bytes, plaintext: bytes, info: bytes) -> bytes:
    """HPKE SealBase one-shot (RFC 9180 §6.1): ``enc ‖ ct``. The browser does this in production."""
    return SUITE.encrypt(bytes(plaintext), load_seal_public(public65), info=bytes(info))


def open_sealed(private_key: ec.EllipticCurvePrivateKey, sealed: bytes, info: bytes) -> bytes:
    """HPKE OpenBase one-shot (RFC 9180 §6.1) on ``enc ‖ ct``.

    Any failure (short input, ``enc`` not on the curve, wrong key or info, altered byte: the
    AES-GCM tag, RFC 9180 §5.2) raises :class:`UndecryptableAnswer`.
    """
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise MalformedInput("sealing key must be on P-256")
    data = bytes(sealed)
    if len(data) < ENC_LEN + TAG_LEN:
        raise UndecryptableAnswer("sealed answer is shorter than enc plus tag")
    try:
        return SUITE.decrypt(data, private_key, info=bytes(info))
    except (InvalidTag, ValueError):
        raise UndecryptableAnswer("sealed answer does not open with this key and round") from None


def seal_answer(public65: bytes, answers: Mapping[str, str], round_id: str) -> bytes:
    """Pad and seal answers exactly as the browser does (tests, demo data, tools)."""
    return seal(public65, pad_answer(answers), answer_info(round_id))


def open_answer(
    private_key: ec.EllipticCurvePrivateKey, sealed: bytes, round_id: str
) -> dict[str, str]:
    """Size check, HPKE open and strict parse in one call: what unseal does for each row.

    Raises :class:`MalformedInput` for a wrong size and :class:`UnreadableAnswer` (or its subclass
    :class:`UndecryptableAnswer`) when the answer cannot be read; unseal counts those.
    """
    check_sealed_size(len(sealed))
    return parse_answer(open_sealed(private_key, sealed, answer_info(round_id)))


def round_fingerprint(token_spki_der: bytes, seal_public65: bytes) -> str:
    """SHA-256(token SPKI DER ‖ sealing public key) as lowercase hex (DESIGN.md §3).

    Everyone compares this one value, so the server cannot hand out per-person keys that would tag
    officers (RFC 9474 §7.5 key consistency). The 65-byte length is checked so the concatenation is
    unambiguous.
    """
    if len(seal_public65) != PUBLIC_LEN:
        raise MalformedInput("sealing public key must be 65 bytes")
    return hashlib.sha256(bytes(token_spki_der) + bytes(seal_public65)).hexdigest()
