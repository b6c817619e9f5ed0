"""Property tests: round trips hold for all inputs, and parsers fail only with domain errors."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.crypto import blindrsa, opening, seal
from survey.crypto.errors import (
    CorruptKeyBlob,
    CryptoError,
    InvalidSignature,
    KeyUnwrapFailed,
    MalformedInput,
    OpeningCodeTypo,
    UnreadableAnswer,
    WrongRoundToken,
)
from survey.crypto.opening_codes import SECRET_BITS, OpeningPart

FIXTURES = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
round_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=24)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@FIXTURES
@given(msg=st.binary(max_size=300), round_id=round_ids)
def test_blind_sign_finalize_verify(
    small_token_key: rsa.RSAPrivateKey, msg: bytes, round_id: str
) -> None:
    public = small_token_key.public_key()
    for payload in (msg, blindrsa.build_token_message(round_id)):
        input_msg = blindrsa.prepare(payload)
        blinded = blindrsa.blind(public, input_msg)
        blind_sig = blindrsa.blind_sign(small_token_key, blinded.blinded_msg)
        sig = blindrsa.finalize(public, input_msg, blind_sig, blinded.inv)
        blindrsa.verify(public, input_msg, sig)
        with pytest.raises(InvalidSignature):
            blindrsa.verify(public, input_msg + b"!", sig)


@FIXTURES
@given(data=st.binary(max_size=300))
def test_blind_sign_and_verify_on_arbitrary_bytes(
    small_token_key: rsa.RSAPrivateKey, data: bytes
) -> None:
    k = blindrsa.modulus_len(small_token_key)
    for candidate in (data, data[:k].ljust(k, b"\xff"), data[:k].rjust(k, b"\x00")):
        with contextlib.suppress(MalformedInput):
            blindrsa.blind_sign(small_token_key, candidate)
        with pytest.raises(CryptoError):
            blindrsa.verify(small_token_key.public_key(), b"msg", candidate)


@given(token=st.binary(max_size=200), round_id=round_ids)
def test_parse_token_raises_only_domain_errors(token: bytes, round_id: str) -> None:
    try:
        nonce = blindrsa.parse_token(token, round_id)
    except (MalformedInput, WrongRoundToken):
        return
    assert len(nonce) == 32  # only reachable for a genuinely well-formed layout


@given(
    prefix=st.binary(min_size=32, max_size=32),
    nonce=st.binary(min_size=32, max_size=32),
    own=round_ids,
    other=round_ids,
)
def test_parse_token_round_trip(prefix: bytes, nonce: bytes, own: str, other: str) -> None:
    input_msg = blindrsa.prepare(blindrsa.build_token_message(own, nonce), prefix=prefix)
    assert blindrsa.parse_token(input_msg, own) == nonce
    if other != own:
        with pytest.raises(WrongRoundToken):
            blindrsa.parse_token(input_msg, other)


@given(answers=st.dictionaries(st.text(max_size=20), st.text(max_size=400), max_size=8))
def test_pad_parse_round_trip(answers: dict[str, str]) -> None:
    padded = seal.pad_answer(answers)
    assert len(padded) in seal.PADDED_SIZES
    assert seal.parse_answer(padded) == answers


@given(raw=st.binary(max_size=300), size=st.sampled_from(seal.PADDED_SIZES))
def test_parse_answer_on_arbitrary_bytes(raw: bytes, size: int) -> None:
    for candidate in (raw, raw[:size].ljust(size, b" ")):
        try:
            result = seal.parse_answer(candidate)
        except UnreadableAnswer:
            continue
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())


@given(value=json_values)
def test_parse_answer_on_arbitrary_json(value: Any) -> None:
    raw = json.dumps({"v": 1, "answers": value}, ensure_ascii=False).encode()
    size = next((s for s in seal.PADDED_SIZES if s >= len(raw)), len(raw))
    try:
        seal.parse_answer(raw.ljust(size, b" "))
    except UnreadableAnswer:
        assert not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values()))


@FIXTURES
@given(data=st.binary(max_size=200))
def test_key_loaders_and_open_raise_only_domain_errors(
    seal_key: ec.EllipticCurvePrivateKey, data: bytes
) -> None:
    for call in (
        lambda: seal.load_seal_public(data),
        lambda: blindrsa.load_public_spki(data),
        lambda: seal.open_sealed(seal_key, data, b"info"),
        lambda: seal.open_sealed(seal_key, b"\x04" + data.ljust(64, b"\x00")[:64] + data, b""),
        lambda: blindrsa.unwrap_token_key(data, "secret", "r1"),
        lambda: opening.wrapped_seal_public(data),
    ):
        with pytest.raises(CryptoError):
            call()


@given(number=st.sampled_from((1, 2)), value=st.integers(0, 2**SECRET_BITS - 1))
def test_opening_part_format_round_trip(number: int, value: int) -> None:
    part = OpeningPart(number, value.to_bytes(9, "big"))
    text = part.text
    assert len(text) == 19 and text.count("-") == 3 and text[0] == str(number)
    assert opening.parse_part(text) == part
    assert opening.parse_part(text.lower().replace("-", " ")) == part


@given(text=st.text(max_size=40))
def test_parse_part_raises_only_typos(text: str) -> None:
    try:
        part = opening.parse_part(text)
    except OpeningCodeTypo:
        return
    assert part.number in (1, 2)


@given(blob=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_opening_blobs_raise_only_corrupt(blob: bytes) -> None:
    with pytest.raises(CorruptKeyBlob):
        opening.wrapped_seal_public(blob)


@given(data=st.binary(max_size=120))
def test_unwrap_token_key_only_unwrap_errors(data: bytes) -> None:
    with pytest.raises(KeyUnwrapFailed):
        blindrsa.unwrap_token_key(bytes([1]) + data, b"secret", "r1")
