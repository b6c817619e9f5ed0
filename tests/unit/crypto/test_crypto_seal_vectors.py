"""RFC 9180 Appendix A vector for DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, Base mode.

The vector's encryptions carry an aad, which the one-shot public API cannot take, so the key
schedule is recomputed here from the RFC text with cryptography's public HMAC / HKDF-Expand / ECDH /
AES-GCM primitives (never the library's private helpers). The last tests tie that schedule to the
public ``hpke`` API used by :mod:`survey.crypto.seal`, in both directions.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from survey.crypto import seal

KEM_ID, KDF_ID, AEAD_ID = 0x0010, 0x0001, 0x0001
KEM_SUITE = b"KEM" + KEM_ID.to_bytes(2, "big")  # RFC 9180 §4.1
HPKE_SUITE = b"HPKE" + b"".join(i.to_bytes(2, "big") for i in (KEM_ID, KDF_ID, AEAD_ID))  # §5.1
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    """RFC 9180 §4: HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm) = HMAC(salt, ...)."""
    mac = hmac.HMAC(salt or b"\x00" * 32, hashes.SHA256())  # RFC 5869 §2.2: empty salt = zeros
    mac.update(b"HPKE-v1" + suite + label + ikm)
    return mac.finalize()


def labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    """RFC 9180 §4: HKDF-Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L)."""
    labeled_info = length.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info
    return HKDFExpand(hashes.SHA256(), length, labeled_info).derive(prk)


def derive_key_pair(ikm: bytes) -> int:
    """RFC 9180 §7.1.3 DeriveKeyPair for P-256 (rejection sampling, bitmask 0xff)."""
    dkp_prk = labeled_extract(KEM_SUITE, b"", b"dkp_prk", ikm)
    for counter in range(256):
        candidate = labeled_expand(KEM_SUITE, dkp_prk, b"candidate", bytes([counter]), 32)
        sk = int.from_bytes(candidate, "big")
        if 0 < sk < P256_ORDER:
            return sk
    raise AssertionError("DeriveKeyPairError")


def kem_shared_secret(dh: bytes, enc: bytes, pk_rm: bytes) -> bytes:
    """RFC 9180 §4.1 ExtractAndExpand with kem_context = enc ‖ pkRm."""
    eae_prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh)
    return labeled_expand(KEM_SUITE, eae_prk, b"shared_secret", enc + pk_rm, 32)


def key_schedule(shared_secret: bytes, info: bytes) -> dict[str, bytes]:
    """RFC 9180 §5.1 KeySchedule for mode_base (psk and psk_id empty)."""
    psk_id_hash = labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE, b"", b"info_hash", info)
    context = b"\x00" + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE, shared_secret, b"secret", b"")
    return {
        "key_schedule_context": context,
        "secret": secret,
        "key": labeled_expand(HPKE_SUITE, secret, b"key", context, 16),
        "base_nonce": labeled_expand(HPKE_SUITE, secret, b"base_nonce", context, 12),
        "exporter_secret": labeled_expand(HPKE_SUITE, secret, b"exp", context, 32),
    }


def nonce_for(base_nonce: bytes, seq: int) -> bytes:
    """RFC 9180 §5.2 ComputeNonce: base_nonce XOR I2OSP(seq, Nn)."""
    return bytes(a ^ b for a, b in zip(base_nonce, seq.to_bytes(12, "big"), strict=True))


def private_key(sk: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(sk, ec.SECP256R1())


@pytest.fixture(scope="module")
def vector(rfc9180: dict[str, Any]) -> dict[str, Any]:
    v = rfc9180["base_p256_hkdfsha256_aes128gcm"]
    assert (v["mode"], v["kem_id"], v["kdf_id"], v["aead_id"]) == (0, KEM_ID, KDF_ID, AEAD_ID)
    return v


def h(v: dict[str, Any], name: str) -> bytes:
    return bytes.fromhex(v[name])


def test_derive_key_pair_and_public_keys(vector: dict[str, Any]) -> None:
    for ikm, sk, pk in (("ikmR", "skRm", "pkRm"), ("ikmE", "skEm", "pkEm")):
        scalar = derive_key_pair(h(vector, ikm))
        assert scalar.to_bytes(32, "big") == h(vector, sk)
        assert seal.seal_public_bytes(private_key(scalar)) == h(vector, pk)
    assert h(vector, "enc") == h(vector, "pkEm")


def test_shared_secret_both_sides(vector: dict[str, Any]) -> None:
    sk_r = private_key(int.from_bytes(h(vector, "skRm"), "big"))
    sk_e = private_key(int.from_bytes(h(vector, "skEm"), "big"))
    pk_r, enc = h(vector, "pkRm"), h(vector, "enc")
    dh_sender = sk_e.exchange(ec.ECDH(), seal.load_seal_public(pk_r))  # RFC 9180 §4.1 Encap
    dh_recipient = sk_r.exchange(ec.ECDH(), seal.load_seal_public(enc))  # Decap
    assert dh_sender == dh_recipient
    assert kem_shared_secret(dh_sender, enc, pk_r) == h(vector, "shared_secret")


def test_key_schedule(vector: dict[str, Any]) -> None:
    schedule = key_schedule(h(vector, "shared_secret"), h(vector, "info"))
    for name, value in schedule.items():
        assert value == h(vector, name), name


def test_encryptions_with_aad(vector: dict[str, Any]) -> None:
    schedule = key_schedule(h(vector, "shared_secret"), h(vector, "info"))
    aead = AESGCM(schedule["key"])
    assert vector["encryptions"], "the vector file keeps the first encryptions"
    for seq, case in enumerate(vector["encryptions"]):
        nonce = nonce_for(schedule["base_nonce"], seq)
        assert nonce == h(case, "nonce")
        assert aead.encrypt(nonce, h(case, "pt"), h(case, "aad")) == h(case, "ct")
        assert aead.decrypt(nonce, h(case, "ct"), h(case, "aad")) == h(case, "pt")


def test_exports(vector: dict[str, Any]) -> None:
    schedule = key_schedule(h(vector, "shared_secret"), h(vector, "info"))
    for case in vector["exports"]:
        exported = labeled_expand(
            HPKE_SUITE,
            schedule["exporter_secret"],
            b"sec",
            h(case, "exporter_context"),
            case["L"],
        )  # RFC 9180 §5.3
        assert exported == h(case, "exported_value")


def test_public_api_opens_a_vector_schedule_ciphertext(vector: dict[str, Any]) -> None:
    """The vector's context with an empty aad (what the protocol uses) opens via open_sealed."""
    schedule = key_schedule(h(vector, "shared_secret"), h(vector, "info"))
    pt = b"an answer, sealed with the RFC vector's ephemeral key"
    ct = AESGCM(schedule["key"]).encrypt(nonce_for(schedule["base_nonce"], 0), pt, b"")
    sk_r = private_key(int.from_bytes(h(vector, "skRm"), "big"))
    assert seal.open_sealed(sk_r, h(vector, "enc") + ct, h(vector, "info")) == pt


def test_public_api_output_follows_the_rfc_schedule(vector: dict[str, Any]) -> None:
    """What seal() produces is enc ‖ AES-GCM(key, base_nonce, pt, aad="") per RFC 9180 §6.1."""
    sk_r = private_key(int.from_bytes(h(vector, "skRm"), "big"))
    pk_r, info = h(vector, "pkRm"), b"svy-ans-v1\x00r1"
    pt = seal.pad_answer({"s1": "text"})
    sealed = seal.seal(pk_r, pt, info)
    enc, ct = sealed[: seal.ENC_LEN], sealed[seal.ENC_LEN :]
    dh = sk_r.exchange(ec.ECDH(), seal.load_seal_public(enc))
    schedule = key_schedule(kem_shared_secret(dh, enc, pk_r), info)
    assert AESGCM(schedule["key"]).decrypt(schedule["base_nonce"], ct, b"") == pt
