"""Blind RSA round trips and every way a blinded message, signature or token can be refused."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from survey.crypto import blindrsa
from survey.crypto.errors import (
    CryptoError,
    InvalidSignature,
    MalformedInput,
    MessageOutOfRange,
    SigningFailure,
)


def _issue(key: rsa.RSAPrivateKey, msg: bytes = b"token") -> tuple[bytes, bytes]:
    """Client and server halves of one issuance: returns (input_msg, final signature)."""
    public = key.public_key()
    input_msg = blindrsa.prepare(msg)
    blinded = blindrsa.blind(public, input_msg)
    blind_sig = blindrsa.blind_sign(key, blinded.blinded_msg)
    return input_msg, blindrsa.finalize(public, input_msg, blind_sig, blinded.inv)


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def test_generated_key_is_rsa_2048_e65537(token_key: rsa.RSAPrivateKey) -> None:
    assert token_key.key_size == 2048
    assert token_key.public_key().public_numbers().e == 65537


def test_round_trip_verifies(token_key: rsa.RSAPrivateKey) -> None:
    input_msg, sig = _issue(token_key, blindrsa.build_token_message("r1"))
    assert len(sig) == 256
    blindrsa.verify(token_key.public_key(), input_msg, sig)


def test_blinded_message_is_unlinkable_to_token(token_key: rsa.RSAPrivateKey) -> None:
    public = token_key.public_key()
    input_msg = blindrsa.prepare(b"same message")
    first = blindrsa.blind(public, input_msg)
    second = blindrsa.blind(public, input_msg)
    assert first.blinded_msg != second.blinded_msg  # fresh salt and r each time
    assert input_msg not in first.blinded_msg


def test_retry_with_same_blinded_message_gets_same_signature(token_key: rsa.RSAPrivateKey) -> None:
    blinded = blindrsa.blind(token_key.public_key(), blindrsa.prepare(b"retry"))
    first = blindrsa.blind_sign(token_key, blinded.blinded_msg)
    assert blindrsa.blind_sign(token_key, blinded.blinded_msg) == first


def test_spki_round_trip(token_key: rsa.RSAPrivateKey) -> None:
    der = blindrsa.public_key_spki(token_key)
    assert der == blindrsa.public_key_spki(token_key.public_key())
    loaded = blindrsa.load_public_spki(der)
    assert loaded.public_numbers() == token_key.public_key().public_numbers()


@pytest.mark.parametrize("der", [b"", b"\x30\x00", b"not der at all"])
def test_load_public_spki_refuses_garbage(der: bytes) -> None:
    with pytest.raises(MalformedInput):
        blindrsa.load_public_spki(der)


def test_load_public_spki_refuses_other_key_types(small_token_key: rsa.RSAPrivateKey) -> None:
    ec_pub = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = ec_pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(MalformedInput, match="not an RSA key"):
        blindrsa.load_public_spki(der)
    with pytest.raises(MalformedInput, match="fewer than 2048"):
        blindrsa.load_public_spki(blindrsa.public_key_spki(small_token_key))


# --- server side: BlindSign input checks (RFC 9474 §4.3, RFC 8017 §5.2.1) -------------------


@pytest.mark.parametrize("length", [0, 1, 255, 257, 512])
def test_blind_sign_refuses_wrong_length(token_key: rsa.RSAPrivateKey, length: int) -> None:
    with pytest.raises(MalformedInput, match="expected 256"):
        blindrsa.blind_sign(token_key, b"\x01" * length)


def test_blind_sign_refuses_values_not_below_n(token_key: rsa.RSAPrivateKey) -> None:
    n = token_key.public_key().public_numbers().n
    for value in (n, n + 1, 2**2048 - 1):
        with pytest.raises(MessageOutOfRange):
            blindrsa.blind_sign(token_key, value.to_bytes(256, "big"))
    # n - 1 is the largest valid representative and is signed.
    assert len(blindrsa.blind_sign(token_key, (n - 1).to_bytes(256, "big"))) == 256


def test_out_of_range_is_malformed_input_and_crypto_error() -> None:
    assert issubclass(MessageOutOfRange, MalformedInput)
    assert issubclass(MalformedInput, CryptoError)
    assert issubclass(MalformedInput, ValueError)


def test_blind_sign_refuses_to_release_a_faulty_signature(
    token_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault in one CRT half must be caught by verify-after-sign (RFC 9474 §7.1)."""
    real = blindrsa._crt_private_op
    monkeypatch.setattr(blindrsa, "_crt_private_op", lambda c, nums: real(c, nums) + 1)
    blinded = blindrsa.blind(token_key.public_key(), blindrsa.prepare(b"fault"))
    with pytest.raises(SigningFailure):
        blindrsa.blind_sign(token_key, blinded.blinded_msg)


def test_blind_sign_blinds_the_base_with_fresh_randomness(
    token_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = blindrsa._crt_private_op

    def spy(c: Any, nums: rsa.RSAPrivateNumbers) -> Any:
        seen.append(int(c))
        return real(c, nums)

    monkeypatch.setattr(blindrsa, "_crt_private_op", spy)
    blinded = blindrsa.blind(token_key.public_key(), blindrsa.prepare(b"spy"))
    blindrsa.blind_sign(token_key, blinded.blinded_msg)
    blindrsa.blind_sign(token_key, blinded.blinded_msg)
    m = int.from_bytes(blinded.blinded_msg, "big")
    assert len(set(seen)) == 2 and m not in seen


# --- client side: Finalize and verification ---------------------------------------------------


def test_finalize_refuses_a_signature_from_another_key(
    token_key: rsa.RSAPrivateKey, other_token_key: rsa.RSAPrivateKey
) -> None:
    public = token_key.public_key()
    input_msg = blindrsa.prepare(b"substitution")
    blinded = blindrsa.blind(public, input_msg)
    # The blinded value may exceed the other modulus, so re-blind for it when needed.
    other = blindrsa.blind(other_token_key.public_key(), input_msg)
    wrong = blindrsa.blind_sign(other_token_key, other.blinded_msg)
    with pytest.raises((InvalidSignature, MessageOutOfRange)):
        blindrsa.finalize(public, input_msg, wrong, blinded.inv)


def test_finalize_refuses_wrong_inverse_and_altered_blind_sig(token_key: rsa.RSAPrivateKey) -> None:
    public = token_key.public_key()
    input_msg = blindrsa.prepare(b"finalize")
    blinded = blindrsa.blind(public, input_msg)
    blind_sig = blindrsa.blind_sign(token_key, blinded.blinded_msg)
    with pytest.raises(InvalidSignature):
        blindrsa.finalize(public, input_msg, blind_sig, blinded.inv + 1)
    with pytest.raises(InvalidSignature):
        blindrsa.finalize(public, input_msg, _flip(blind_sig, 100), blinded.inv)
    with pytest.raises(MalformedInput):
        blindrsa.finalize(public, input_msg, blind_sig[1:], blinded.inv)


def test_verify_refuses_tampering(
    token_key: rsa.RSAPrivateKey, other_token_key: rsa.RSAPrivateKey
) -> None:
    input_msg, sig = _issue(token_key)
    public = token_key.public_key()
    for index in (0, 31, 32, len(input_msg) - 1):
        with pytest.raises(InvalidSignature):
            blindrsa.verify(public, _flip(input_msg, index), sig)
    for index in (0, 128, 255):
        with pytest.raises((InvalidSignature, MessageOutOfRange)):
            blindrsa.verify(public, input_msg, _flip(sig, index))
    with pytest.raises((InvalidSignature, MessageOutOfRange)):  # sig may exceed the other n
        blindrsa.verify(other_token_key.public_key(), input_msg, sig)
    with pytest.raises(InvalidSignature):
        blindrsa.verify(public, input_msg + b"\x00", sig)


def test_verify_refuses_wrong_lengths_and_values_not_below_n(token_key: rsa.RSAPrivateKey) -> None:
    input_msg, sig = _issue(token_key)
    public = token_key.public_key()
    n = public.public_numbers().n
    for bad in (b"", sig[:-1], sig + b"\x00", b"\x00" + sig):
        with pytest.raises(MalformedInput):
            blindrsa.verify(public, input_msg, bad)
    with pytest.raises(MessageOutOfRange):
        blindrsa.verify(public, input_msg, n.to_bytes(256, "big"))


def test_plain_rsa_pss_signature_is_accepted(token_key: rsa.RSAPrivateKey) -> None:
    """The server check is standard RSASSA-PSS: a non-blind PSS signature also verifies."""
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)
    sig = token_key.sign(b"x" * 77, pss, hashes.SHA384())
    blindrsa.verify(token_key.public_key(), b"x" * 77, sig)
    short_salt = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=32)
    with pytest.raises(InvalidSignature):
        blindrsa.verify(
            token_key.public_key(),
            b"x" * 77,
            token_key.sign(b"x" * 77, short_salt, hashes.SHA384()),
        )


def test_prepare_and_blind_parameter_checks(token_key: rsa.RSAPrivateKey) -> None:
    public = token_key.public_key()
    n = public.public_numbers().n
    assert len(blindrsa.prepare(b"m")) == 33
    with pytest.raises(MalformedInput):
        blindrsa.prepare(b"m", prefix=b"\x00" * 31)
    with pytest.raises(MalformedInput):
        blindrsa.blind(public, b"m", salt=b"\x00" * 32)
    for r in (0, n, n + 5):
        with pytest.raises(MalformedInput):
            blindrsa.blind(public, b"m", r=r)


def test_blind_result_repr_hides_the_inverse(token_key: rsa.RSAPrivateKey) -> None:
    result = blindrsa.blind(token_key.public_key(), b"m")
    assert str(result.inv) not in repr(result)
