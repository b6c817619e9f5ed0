"""The token key's public exponent is pinned to 65537 on both sides (issue 8, item 9).

A server that hands one officer a key with another exponent could tell that officer's tokens
apart; every round key is made with e = 65537 (RFC 9474 §6.2), so any other is refused.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from survey.crypto import blindrsa
from survey.crypto.errors import MalformedInput


def _spki(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_round_keys_have_e_65537_and_load(token_key: rsa.RSAPrivateKey) -> None:
    loaded = blindrsa.load_public_spki(_spki(token_key.public_key()))
    assert loaded.public_numbers().e == 65537


@pytest.mark.parametrize("exponent", [3, 17, 65539])
def test_a_key_with_another_odd_exponent_is_refused(
    token_key: rsa.RSAPrivateKey, exponent: int
) -> None:
    n = token_key.public_key().public_numbers().n
    other = rsa.RSAPublicNumbers(exponent, n).public_key()
    with pytest.raises(MalformedInput, match="65537"):
        blindrsa.load_public_spki(_spki(other))
