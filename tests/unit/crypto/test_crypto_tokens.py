"""Token message layout (DESIGN.md §6), spent keys, and the token key's storage wrapping."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from survey.crypto import blindrsa
from survey.crypto.errors import (
    KeyUnwrapFailed,
    MalformedInput,
    MalformedToken,
    WrongRoundToken,
)
from survey.crypto.tokens import MIN_TOKEN_LEN, TOKEN_MAGIC

NONCE = bytes(range(32))
PREFIX = b"\xaa" * 32


def test_token_message_layout_is_exact() -> None:
    msg = blindrsa.build_token_message("r7k2", NONCE)
    assert msg == b"svy-tok-v1\x00r7k2\x00" + NONCE
    assert len(blindrsa.build_token_message("r7k2")) == len(msg)
    assert blindrsa.build_token_message("r7k2") != blindrsa.build_token_message("r7k2")


@pytest.mark.parametrize("round_id", ["", "R1", "r-1", "r 1", "r\x001", "rü", "r\n"])
def test_token_message_refuses_invalid_round_ids(round_id: str) -> None:
    with pytest.raises(MalformedInput):
        blindrsa.build_token_message(round_id, NONCE)


def test_token_message_refuses_wrong_nonce_length() -> None:
    with pytest.raises(MalformedInput):
        blindrsa.build_token_message("r1", b"\x00" * 31)


def test_parse_token_returns_the_nonce() -> None:
    input_msg = blindrsa.prepare(blindrsa.build_token_message("abc123", NONCE), prefix=PREFIX)
    assert blindrsa.parse_token(input_msg, "abc123") == NONCE


def test_parse_token_handles_nul_bytes_in_the_nonce() -> None:
    nonce = b"\x00" * 32
    input_msg = PREFIX + blindrsa.build_token_message("r1", nonce)
    assert blindrsa.parse_token(input_msg, "r1") == nonce
    assert len(input_msg) == MIN_TOKEN_LEN + 1


def test_wrong_round_is_reported_as_such() -> None:
    for other in ("r2", "r", "r11", "zzzzzzzzzzzzzzzzzzzzzzzz"):
        input_msg = PREFIX + blindrsa.build_token_message(other, NONCE)
        with pytest.raises(WrongRoundToken):
            blindrsa.parse_token(input_msg, "r1")


@pytest.mark.parametrize(
    "input_msg",
    [
        b"",
        PREFIX,
        PREFIX + TOKEN_MAGIC + b"r1\x00" + NONCE[:-1],  # nonce one byte short
        PREFIX + TOKEN_MAGIC + b"\x00" + NONCE,  # empty round id
        PREFIX + b"svy-tok-v2\x00r1\x00" + NONCE,  # other version
        PREFIX + b"svy-tok-v1-r1\x00" + NONCE + b"\x00",  # no NUL after the magic
        PREFIX + TOKEN_MAGIC + b"r1" + NONCE,  # missing separator
        PREFIX + TOKEN_MAGIC + b"R1\x00" + NONCE,  # upper case is not a round id
        PREFIX + TOKEN_MAGIC + b"r1\x00" + NONCE + b"x",  # nonce one byte long
        PREFIX + TOKEN_MAGIC + b"r1\x00\x00" + NONCE,  # extra NUL
        PREFIX[:-1] + TOKEN_MAGIC + b"r1\x00" + NONCE + b"\x00",  # prefix one byte short
        TOKEN_MAGIC + b"r1\x00" + NONCE + PREFIX,  # no prefix at all
    ],
)
def test_malformed_layouts_are_refused(input_msg: bytes) -> None:
    with pytest.raises(MalformedToken):
        blindrsa.parse_token(input_msg, "r1")


def test_malformed_is_checked_before_the_round() -> None:
    """A token shorter than its layout is malformed (400), even if it names another round."""
    with pytest.raises(MalformedToken):
        blindrsa.parse_token(PREFIX + TOKEN_MAGIC + b"r2\x00" + NONCE[:5], "r1")


def test_spent_key_and_receipt() -> None:
    input_msg = PREFIX + blindrsa.build_token_message("r1", NONCE)
    assert blindrsa.spent_key(input_msg) == hashlib.sha256(input_msg).digest()
    assert blindrsa.receipt(input_msg) == hashlib.sha256(input_msg).hexdigest()
    assert len(blindrsa.spent_key(input_msg)) == 32


# --- storage wrapping of the token key ---------------------------------------------------------


def test_wrap_round_trip(small_token_key: rsa.RSAPrivateKey) -> None:
    blob = blindrsa.wrap_token_key(small_token_key, "app-secret", "r1")
    key = blindrsa.unwrap_token_key(blob, b"app-secret", "r1")
    assert key.private_numbers() == small_token_key.private_numbers()
    assert blob[0] == 1
    assert blob != blindrsa.wrap_token_key(small_token_key, "app-secret", "r1")


def test_unwrap_refuses_wrong_secret_round_or_bytes(small_token_key: rsa.RSAPrivateKey) -> None:
    blob = blindrsa.wrap_token_key(small_token_key, "app-secret", "r1")
    with pytest.raises(KeyUnwrapFailed):
        blindrsa.unwrap_token_key(blob, "other-secret", "r1")
    with pytest.raises(KeyUnwrapFailed):
        blindrsa.unwrap_token_key(blob, "app-secret", "r2")
    for index in (0, 1, 20, 40, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[index] ^= 0x80
        with pytest.raises(KeyUnwrapFailed):
            blindrsa.unwrap_token_key(bytes(tampered), "app-secret", "r1")
    for short in (b"", blob[:44], blob[:-1]):
        with pytest.raises(KeyUnwrapFailed):
            blindrsa.unwrap_token_key(short, "app-secret", "r1")


def test_wrap_refuses_empty_secret_and_bad_round(small_token_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(MalformedInput):
        blindrsa.wrap_token_key(small_token_key, "", "r1")
    with pytest.raises(MalformedInput):
        blindrsa.wrap_token_key(small_token_key, "s", "R1")
