"""Unwrapping the token key on every issuance: cheap, and still safe (DESIGN.md §3, §5).

``unwrap_token_key`` runs once per token issued. It skips OpenSSL's RSA key check (primality tests
of p and q, about 100 ms for RSA-2048, which capped issuance near 10 tokens/s per worker): the key
is authenticated by the AES-GCM tag, and ``blind_sign`` verifies every signature before releasing
it, so even a damaged key signs nothing.
"""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from survey.crypto import blindrsa
from survey.crypto.errors import SigningFailure


def _damaged(key: rsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    """The same key with a wrong CRT exponent d mod (p-1): OpenSSL's key check refuses it."""
    nums = key.private_numbers()
    bad = rsa.RSAPrivateNumbers(
        p=nums.p,
        q=nums.q,
        d=nums.d,
        dmp1=nums.dmp1 ^ 2,
        dmq1=nums.dmq1,
        iqmp=nums.iqmp,
        public_numbers=nums.public_numbers,
    )
    return bad.private_key(unsafe_skip_rsa_key_validation=True)


def test_a_damaged_key_inside_a_valid_wrapping_signs_nothing(
    small_token_key: rsa.RSAPrivateKey,
) -> None:
    damaged = _damaged(small_token_key)
    with pytest.raises(ValueError):  # what the per-request key check used to catch
        damaged.private_numbers().private_key()
    blob = blindrsa.wrap_token_key(damaged, "app-secret", "r1")
    key = blindrsa.unwrap_token_key(blob, "app-secret", "r1")  # no key check on the hot path
    blinded = blindrsa.blind(key.public_key(), blindrsa.prepare(b"token"))
    with pytest.raises(SigningFailure):  # verify-after-sign still refuses to release it
        blindrsa.blind_sign(key, blinded.blinded_msg)


def test_an_unwrapped_key_signs_tokens_that_verify(token_key: rsa.RSAPrivateKey) -> None:
    blob = blindrsa.wrap_token_key(token_key, "app-secret", "r1")
    key = blindrsa.unwrap_token_key(blob, "app-secret", "r1")
    public = token_key.public_key()
    input_msg = blindrsa.prepare(blindrsa.build_token_message("r1"))
    blinded = blindrsa.blind(public, input_msg)
    blind_sig = blindrsa.blind_sign(key, blinded.blinded_msg)
    blindrsa.verify(public, input_msg, blindrsa.finalize(public, input_msg, blind_sig, blinded.inv))


def test_unwrapping_an_rsa_2048_key_costs_far_less_than_a_signature(
    token_key: rsa.RSAPrivateKey,
) -> None:
    """50 unwraps take about 1 ms; with the key check they took 2 to 5 s."""
    blob = blindrsa.wrap_token_key(token_key, "app-secret", "r1")
    began = time.process_time()
    for _ in range(50):
        blindrsa.unwrap_token_key(blob, "app-secret", "r1")
    assert time.process_time() - began < 1.0
