"""RSA blind signatures, RFC 9474, variant RSABSSA-SHA384-PSS-Randomized (RFC 9474 §5).

Why blind signatures: the server signs a token while seeing only a blinded value, so the issuance
record (tied to an invitation) carries no information about the token spent later with the answer
(RFC 9474 §7, blindness). The final signature is a plain RSASSA-PSS signature (SHA-384,
MGF1-SHA-384, 48-byte salt), so the server checks it with OpenSSL through ``cryptography``
(RFC 9474 §4.5).

Server side: :func:`blind_sign`. ``cryptography`` exposes no raw RSA private operation, so it is
done here with the key's private numbers and ``gmpy2.powmod_sec`` (constant-time modular
exponentiation), with CRT, base blinding and verify-after-sign (RFC 9474 §4.3, §7.1).

Client side (the browser does the same in JavaScript; this copy serves tests and tools):
:func:`prepare` (§4.1), :func:`blind` (§4.2), :func:`finalize` (§4.4). Nothing assumes a key size:
the RFC vectors use 4096-bit keys, the service 2048-bit ones.

The token message layout and the storage wrapping live in :mod:`survey.crypto.tokens` and
:mod:`survey.crypto.keywrap`; they are re-exported here so callers have one import.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field

import gmpy2
from cryptography import exceptions as _cx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from survey.crypto.errors import (
    InvalidSignature,
    MalformedInput,
    MessageOutOfRange,
    SigningFailure,
)
from survey.crypto.keywrap import unwrap_token_key, wrap_token_key
from survey.crypto.tokens import (
    PREFIX_LEN,
    build_token_message,
    parse_token,
    receipt,
    spent_key,
)

__all__ = [
    "KEY_BITS",
    "PUBLIC_EXPONENT",
    "SALT_LEN",
    "BlindResult",
    "blind",
    "blind_sign",
    "build_token_message",
    "emsa_pss_encode",
    "finalize",
    "generate_token_key",
    "load_public_spki",
    "modulus_len",
    "parse_token",
    "prepare",
    "public_key_spki",
    "receipt",
    "spent_key",
    "unwrap_token_key",
    "verify",
    "wrap_token_key",
]

KEY_BITS = 2048  # DESIGN.md §3: one RSA-2048 key per round
MIN_KEY_BITS = 2048
PUBLIC_EXPONENT = 65537  # RFC 9474 §6.2 recommends e = 65537
HASH_LEN = 48  # SHA-384
SALT_LEN = 48  # RFC 9474 §5: RSABSSA-SHA384-PSS-Randomized uses a 48-byte salt
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=SALT_LEN)


@dataclass(frozen=True)
class BlindResult:
    """Output of :func:`blind`: the value sent to the server and the secret kept by the client."""

    blinded_msg: bytes
    inv: int = field(repr=False)  # knowing inv links the blinded message to the final token


def generate_token_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key with e = 65537, used for one round only (RFC 9474 §6.2, §7.2)."""
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)


def public_key_spki(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> bytes:
    """SubjectPublicKeyInfo DER of the token key: what the keys endpoint and the fingerprint use."""
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_spki(der: bytes) -> rsa.RSAPublicKey:
    """Parse SPKI DER into an RSA public key: RSA only, at least 2048 bits, e = 65537."""
    try:
        key = serialization.load_der_public_key(bytes(der))
    except (ValueError, TypeError, _cx.UnsupportedAlgorithm):
        raise MalformedInput("not a DER SubjectPublicKeyInfo") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise MalformedInput("token key is not an RSA key")
    if key.key_size < MIN_KEY_BITS:
        raise MalformedInput(f"token key has {key.key_size} bits, fewer than {MIN_KEY_BITS}")
    if key.public_numbers().e != PUBLIC_EXPONENT:  # every round key has e = 65537 (RFC 9474 §6.2)
        raise MalformedInput(f"token key exponent is not {PUBLIC_EXPONENT}")
    return key


def modulus_len(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> int:
    """``modulus_len`` of RFC 9474 §3: the byte length of n."""
    return (key.key_size + 7) // 8


def _mgf1_sha384(seed: bytes, length: int) -> bytes:
    """MGF1 with SHA-384 (RFC 8017 Appendix B.2.1)."""
    out = bytearray()
    for counter in range(math.ceil(length / HASH_LEN)):
        out += hashlib.sha384(seed + counter.to_bytes(4, "big")).digest()
    return bytes(out[:length])


def emsa_pss_encode(msg: bytes, em_bits: int, salt: bytes) -> bytes:
    """EMSA-PSS-ENCODE with SHA-384 and MGF1-SHA-384 (RFC 8017 §9.1.1), salt supplied by the caller.

    Written out because the client must encode *before* blinding (RFC 9474 §4.2 step 1), which no
    library signing API allows.
    """
    em_len = (em_bits + 7) // 8
    if em_len < HASH_LEN + len(salt) + 2:  # RFC 8017 §9.1.1 step 3
        raise MalformedInput("encoding error: modulus too small for SHA-384 PSS")
    m_hash = hashlib.sha384(msg).digest()
    h = hashlib.sha384(b"\x00" * 8 + m_hash + salt).digest()  # steps 5-6
    db = b"\x00" * (em_len - len(salt) - HASH_LEN - 2) + b"\x01" + salt  # steps 7-8
    masked = bytearray(a ^ b for a, b in zip(db, _mgf1_sha384(h, len(db)), strict=True))
    masked[0] &= 0xFF >> (8 * em_len - em_bits)  # step 11: clear the unused top bits
    return bytes(masked) + h + b"\xbc"


def prepare(msg: bytes, *, prefix: bytes | None = None) -> bytes:
    """PrepareRandomize (RFC 9474 §4.1): 32 random bytes followed by ``msg``.

    The random prefix keeps the signed value unpredictable to the server even if ``msg`` were not
    (RFC 9474 §7.3, message entropy). ``prefix`` is injectable for the RFC test vectors only.
    """
    if prefix is None:
        prefix = secrets.token_bytes(PREFIX_LEN)
    if len(prefix) != PREFIX_LEN:
        raise MalformedInput(f"message prefix must be {PREFIX_LEN} bytes")
    return bytes(prefix) + bytes(msg)


def _random_unit(n: int) -> int:
    """A uniform integer in [1, n) that is invertible mod n (RFC 9474 §4.2 steps 6-8)."""
    while True:
        r = secrets.randbelow(n - 1) + 1
        if math.gcd(r, n) == 1:
            return r


def blind(
    public_key: rsa.RSAPublicKey,
    input_msg: bytes,
    *,
    salt: bytes | None = None,
    r: int | None = None,
) -> BlindResult:
    """Blind(pk, msg) of RFC 9474 §4.2; ``salt`` and ``r`` are injectable for the test vectors."""
    nums = public_key.public_numbers()
    n, e = nums.n, nums.e
    if salt is None:
        salt = secrets.token_bytes(SALT_LEN)
    if len(salt) != SALT_LEN:
        raise MalformedInput(f"PSS salt must be {SALT_LEN} bytes for this variant")
    encoded = emsa_pss_encode(bytes(input_msg), n.bit_length() - 1, bytes(salt))
    m = int.from_bytes(encoded, "big")
    if math.gcd(m, n) != 1:  # §4.2 step 4-5: "invalid input"
        raise MalformedInput("invalid input: encoded message is not coprime with n")
    if r is None:
        r = _random_unit(n)
    if not 1 <= r < n or math.gcd(r, n) != 1:  # §4.2 step 8: "blinding error"
        raise MalformedInput("blinding error: r is not invertible mod n")
    inv = pow(r, -1, n)
    z = m * pow(r, e, n) % n  # §4.2 steps 9-10: x = RSAVP1(pk, r), z = m * x mod n
    return BlindResult(blinded_msg=z.to_bytes(modulus_len(public_key), "big"), inv=inv)


def _read_representative(data: bytes, n: int, k: int, what: str) -> int:
    """OS2IP of a modulus-length value, refusing other lengths and values >= n.

    Length: RFC 9474 §4.3/§4.4 take exactly ``modulus_len`` bytes ("unexpected input size").
    Range: RFC 8017 §5.2.1 / §5.2.2, "message representative out of range".
    """
    if len(data) != k:
        raise MalformedInput(f"{what} is {len(data)} bytes, expected {k}")
    value = int.from_bytes(data, "big")
    if value >= n:
        raise MessageOutOfRange(f"{what} is not below the modulus")
    return value


def _crt_private_op(c: gmpy2.mpz, nums: rsa.RSAPrivateNumbers) -> gmpy2.mpz:
    """c^d mod n by CRT (RFC 8017 §5.1.2 step 2b(ii)), constant-time in the secret exponents."""
    p, q = gmpy2.mpz(nums.p), gmpy2.mpz(nums.q)
    s_p = gmpy2.powmod_sec(c % p, gmpy2.mpz(nums.dmp1), p)
    s_q = gmpy2.powmod_sec(c % q, gmpy2.mpz(nums.dmq1), q)
    h = gmpy2.mpz(nums.iqmp) * (s_p - s_q) % p
    return s_q + h * q


def blind_sign(private_key: rsa.RSAPrivateKey, blinded_msg: bytes) -> bytes:
    """BlindSign(sk, blinded_msg) of RFC 9474 §4.3, the server's only private-key operation.

    - length and range checks first (RFC 9474 §4.3, RFC 8017 §5.2.1): :class:`MalformedInput`,
      :class:`MessageOutOfRange`;
    - base blinding: the CRT exponentiation runs on ``m * r^e`` for a fresh random ``r`` and the
      result is multiplied by ``r^-1``, so timing or power of the private operation does not depend
      on the client-chosen ``m`` (RFC 9474 §7.1);
    - verify-after-sign: ``s^e mod n`` must equal ``m`` or :class:`SigningFailure` is raised and
      nothing is returned; a single faulty CRT half would reveal a factor of n (RFC 9474 §4.3
      steps "m' = RSAVP1(pk, s)", §7.1).

    RSA signing is deterministic, so a retry with the same blinded message returns the same bytes,
    which is what lets a lost reply be fetched again (DESIGN.md §3).
    """
    nums = private_key.private_numbers()
    n, e = nums.public_numbers.n, nums.public_numbers.e
    k = modulus_len(private_key)
    m = _read_representative(bytes(blinded_msg), n, k, "blinded message")
    n_mpz = gmpy2.mpz(n)
    r = gmpy2.mpz(_random_unit(n))
    blinded = gmpy2.mpz(m) * gmpy2.powmod(r, e, n_mpz) % n_mpz
    s = _crt_private_op(blinded, nums) * gmpy2.invert(r, n_mpz) % n_mpz
    if gmpy2.powmod(s, e, n_mpz) != m:
        raise SigningFailure("blind signature failed its own verification; not released")
    return int(s).to_bytes(k, "big")


def verify(public_key: rsa.RSAPublicKey, input_msg: bytes, signature: bytes) -> None:
    """RSASSA-PSS-VERIFY (SHA-384, MGF1-SHA-384, sLen 48) by OpenSSL, RFC 9474 §4.5.

    Raises :class:`MalformedInput` for a signature of the wrong length and
    :class:`MessageOutOfRange` for a value >= n (both 400 ``malformed`` in DESIGN.md §6), and
    :class:`InvalidSignature` when it does not verify (403 ``bad_signature``).
    """
    n = public_key.public_numbers().n
    _read_representative(bytes(signature), n, modulus_len(public_key), "signature")
    try:
        public_key.verify(bytes(signature), bytes(input_msg), _PSS, hashes.SHA384())
    except _cx.InvalidSignature:
        raise InvalidSignature("token signature does not verify") from None


def finalize(public_key: rsa.RSAPublicKey, input_msg: bytes, blind_sig: bytes, inv: int) -> bytes:
    """Finalize(pk, msg, blind_sig, inv) of RFC 9474 §4.4: unblind, then verify before returning.

    Verifying here catches a server that signed with another key or returned garbage (a key
    substitution or tagging attempt, RFC 9474 §7.5) before the token is ever used.
    """
    n = public_key.public_numbers().n
    k = modulus_len(public_key)
    z = _read_representative(bytes(blind_sig), n, k, "blind signature")
    sig = (z * inv % n).to_bytes(k, "big")  # §4.4 steps 3-4
    verify(public_key, input_msg, sig)  # §4.4 steps 5-6
    return sig
