"""Invitation codes at rest: nothing usable without the app secret (crypto/invitation_codes.py)."""

from __future__ import annotations

import pytest

from survey.crypto import invitation_codes as ic
from survey.crypto.errors import KeyUnwrapFailed, MalformedInput

SECRET = b"app-secret-for-invitation-code-tests"
CODE = "abcdefghjkmnpqrstuvwxyz234"


def test_the_find_hash_is_keyed_bound_to_the_round_and_deterministic() -> None:
    first = ic.find_hash(SECRET, "round1", CODE)
    assert first == ic.find_hash(SECRET, "round1", CODE) and len(first) == 32
    assert first != ic.find_hash(b"another-secret", "round1", CODE)
    assert first != ic.find_hash(SECRET, "round2", CODE)
    assert first != ic.find_hash(SECRET, "round1", CODE[:-1] + "5")
    assert CODE.encode() not in first
    # The same secret as text or bytes: the app passes either.
    assert first == ic.find_hash(SECRET.decode(), "round1", CODE)


def test_any_text_has_a_find_hash_but_not_every_value() -> None:
    assert len(ic.find_hash(SECRET, "round1", "")) == 32  # finds nothing, refuses nothing
    with pytest.raises(MalformedInput):
        ic.find_hash(SECRET, "round1", None)  # type: ignore[arg-type]
    with pytest.raises(MalformedInput):
        ic.find_hash(b"", "round1", CODE)
    with pytest.raises(MalformedInput):
        ic.find_hash(SECRET, "Round\x00", CODE)


def test_a_sealed_code_opens_only_with_the_secret_for_its_invitation() -> None:
    blob = ic.seal_code(SECRET, "round1", "inv1", CODE)
    assert CODE.encode() not in blob
    assert ic.open_code(blob, SECRET, "round1", "inv1") == CODE
    assert ic.seal_code(SECRET, "round1", "inv1", CODE) != blob, "a fresh salt and nonce each time"
    for secret, round_id, invitation_id in [
        (b"another-secret", "round1", "inv1"),
        (SECRET, "round2", "inv1"),
        (SECRET, "round1", "inv2"),  # copied onto another invitation's row
    ]:
        with pytest.raises(KeyUnwrapFailed):
            ic.open_code(blob, secret, round_id, invitation_id)


def test_any_altered_byte_is_refused() -> None:
    blob = ic.seal_code(SECRET, "round1", "inv1", CODE)
    for position in (0, 1, 20, 29, len(blob) - 1):
        altered = bytearray(blob)
        altered[position] ^= 1
        with pytest.raises(KeyUnwrapFailed):
            ic.open_code(bytes(altered), SECRET, "round1", "inv1")
    with pytest.raises(KeyUnwrapFailed):
        ic.open_code(blob[:20], SECRET, "round1", "inv1")


def test_an_empty_code_is_never_sealed() -> None:
    with pytest.raises(MalformedInput):
        ic.seal_code(SECRET, "round1", "inv1", "")
