"""RFC 9474 Appendix A vectors reproduced exactly, with the vectors' randomness injected."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from survey.crypto import blindrsa
from survey.crypto.errors import InvalidSignature

RANDOMIZED = "RSABSSA-SHA384-PSS-Randomized"


def _int(vector: dict[str, Any], name: str) -> int:
    value = vector[name]
    assert value.startswith("0x"), "integer fields carry a 0x prefix (see the file's _notes)"
    return int(value, 16)


def _bytes(vector: dict[str, Any], name: str) -> bytes:
    return bytes.fromhex(vector[name])


def _private_key(vector: dict[str, Any]) -> rsa.RSAPrivateKey:
    p, q, d, e = (_int(vector, k) for k in ("p", "q", "d", "e"))
    assert p * q == _int(vector, "n")
    public = rsa.RSAPublicNumbers(e, p * q)
    return rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=public,
    ).private_key()


def _vector(rfc9474: dict[str, Any], name: str) -> dict[str, Any]:
    (vector,) = [v for v in rfc9474["vectors"] if v["name"] == name]
    return vector


def test_vector_key_is_4096_bits(rfc9474: dict[str, Any]) -> None:
    key = _private_key(_vector(rfc9474, RANDOMIZED))
    assert key.key_size == 4096
    assert blindrsa.modulus_len(key) == 512


def test_prepare_reproduces_input_msg(rfc9474: dict[str, Any]) -> None:
    v = _vector(rfc9474, RANDOMIZED)
    prepared = blindrsa.prepare(_bytes(v, "msg"), prefix=_bytes(v, "msg_prefix"))
    assert prepared == _bytes(v, "input_msg")


def test_emsa_pss_encode_reproduces_encoded_msg(rfc9474: dict[str, Any]) -> None:
    v = _vector(rfc9474, RANDOMIZED)
    key = _private_key(v)
    assert _int(v, "sLen") == blindrsa.SALT_LEN
    encoded = blindrsa.emsa_pss_encode(_bytes(v, "input_msg"), key.key_size - 1, _bytes(v, "salt"))
    assert encoded.hex() == rfc9474["rfc9474_appendix_encoded_msg"][RANDOMIZED]


def test_blind_reproduces_blinded_msg_and_inv(rfc9474: dict[str, Any]) -> None:
    v = _vector(rfc9474, RANDOMIZED)
    public = _private_key(v).public_key()
    inv = _int(v, "inv")
    r = pow(inv, -1, _int(v, "n"))  # the notes: r = inverse(inv, n)
    result = blindrsa.blind(public, _bytes(v, "input_msg"), salt=_bytes(v, "salt"), r=r)
    assert result.blinded_msg == _bytes(v, "blinded_msg")
    assert result.inv == inv


@pytest.mark.parametrize("name", [RANDOMIZED, "RSABSSA-SHA384-PSSZERO-Randomized"])
def test_blind_sign_reproduces_blind_sig(rfc9474: dict[str, Any], name: str) -> None:
    # BlindSign is the same raw RSA operation for every variant, so both vectors apply.
    v = _vector(rfc9474, name)
    assert blindrsa.blind_sign(_private_key(v), _bytes(v, "blinded_msg")) == _bytes(v, "blind_sig")


def test_finalize_reproduces_sig_and_verifies(rfc9474: dict[str, Any]) -> None:
    v = _vector(rfc9474, RANDOMIZED)
    public = _private_key(v).public_key()
    sig = blindrsa.finalize(public, _bytes(v, "input_msg"), _bytes(v, "blind_sig"), _int(v, "inv"))
    assert sig == _bytes(v, "sig")
    blindrsa.verify(public, _bytes(v, "input_msg"), sig)


def test_vector_signature_rejected_for_other_message(rfc9474: dict[str, Any]) -> None:
    v = _vector(rfc9474, RANDOMIZED)
    public = _private_key(v).public_key()
    with pytest.raises(InvalidSignature):
        blindrsa.verify(public, _bytes(v, "msg"), _bytes(v, "sig"))  # without the prefix
