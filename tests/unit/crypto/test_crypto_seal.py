"""Sealed answers: padding, strict parsing, HPKE seal/open, sizes, fingerprint."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from survey.crypto import blindrsa, seal
from survey.crypto.errors import (
    AnswerTooLarge,
    MalformedInput,
    UndecryptableAnswer,
    UnreadableAnswer,
)

ANSWERS = {"committee": "多开会少发文", "m-1": "Fine.", "other": ""}


def _pad_raw(raw: bytes, size: int = 4096) -> bytes:
    return raw + b" " * (size - len(raw))


def test_constants_follow_the_design() -> None:
    assert seal.PADDED_SIZES == (4096, 16384, 65536)
    assert seal.SEALED_SIZES == (4177, 16465, 65617)
    assert seal.MAX_SEALED_BYTES == 65617
    assert seal.answer_info("r1") == b"svy-ans-v1\x00r1"


def test_pad_answer_layout() -> None:
    padded = seal.pad_answer(ANSWERS)
    expected = json.dumps({"v": 1, "answers": ANSWERS}, ensure_ascii=False).encode()
    assert len(padded) == 4096
    assert padded == expected + b" " * (4096 - len(expected))


@pytest.mark.parametrize(("chars", "size"), [(4000, 4096), (4100, 16384), (20000, 65536)])
def test_pad_answer_picks_the_smallest_size(chars: int, size: int) -> None:
    assert len(seal.pad_answer({"s": "x" * chars})) == size


def test_pad_answer_boundaries() -> None:
    overhead = len(seal.pad_answer({"s": ""}).rstrip(b" "))
    assert len(seal.pad_answer({"s": "x" * (4096 - overhead)})) == 4096
    assert len(seal.pad_answer({"s": "x" * (4097 - overhead)})) == 16384
    assert len(seal.pad_answer({"s": "x" * (65536 - overhead)})) == 65536
    with pytest.raises(AnswerTooLarge):
        seal.pad_answer({"s": "x" * (65537 - overhead)})
    with pytest.raises(AnswerTooLarge):
        seal.pad_answer({"s": "字" * 30000})  # 3 bytes each in UTF-8


def test_pad_answer_refuses_non_strings_and_cleans_lone_surrogates() -> None:
    with pytest.raises(MalformedInput):
        seal.pad_answer({"s": 1})  # type: ignore[dict-item]
    padded = seal.pad_answer({"s": "a\ud800b"})
    assert seal.parse_answer(padded) == {"s": "a\ufffdb"}


def test_parse_accepts_the_compact_browser_spelling() -> None:
    raw = b'{"v":1,"answers":{"s1":"\xe5\xa5\xbd","s2":"line\\nbreak"}}'
    assert seal.parse_answer(_pad_raw(raw, 16384)) == {"s1": "好", "s2": "line\nbreak"}


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"[]",
        b'{"v": 1}',
        b'{"answers": {}}',
        b'{"v": 2, "answers": {}}',
        b'{"v": true, "answers": {}}',
        b'{"v": 1.0, "answers": {}}',
        b'{"v": "1", "answers": {}}',
        b'{"v": 1, "answers": []}',
        b'{"v": 1, "answers": {"s": 1}}',
        b'{"v": 1, "answers": {"s": null}}',
        b'{"v": 1, "answers": {"s": ["x"]}}',
        b'{"v": 1, "answers": {}, "extra": 0}',
        b'{"v": 1, "v": 1, "answers": {}}',
        b'{"v": 1, "answers": {"s": "a", "s": "b"}}',
        b'{"v": 1, "answers": {"s": "\\ud800"}}',
        b'{"v": NaN, "answers": {}}',
        b'{"v": 1, "answers": {}',
        b'\xef\xbb\xbf{"v": 1, "answers": {}}',
        b'{"v": 1, "answers": {"s": "\xff"}}',
        b' {"v": 1, "answers": {}}',
        b'{"v": 1, "answers": {}}\n',
        b'{"v": 1, "answers": {}}\x00',
        b'{"v": ' + b"1" * 5000 + b', "answers": {}}',
        b'{"v": 1, "answers": {"s": ' + b"[" * 3000 + b"]" * 3000 + b"}}",
    ],
)
def test_parse_answer_refuses_anything_but_version_1(raw: bytes) -> None:
    with pytest.raises(UnreadableAnswer):
        seal.parse_answer(_pad_raw(raw))


@pytest.mark.parametrize("size", [0, 1, 4095, 4097, 16383, 65537])
def test_parse_answer_refuses_unpadded_sizes(size: int) -> None:
    raw = b'{"v": 1, "answers": {}}'
    with pytest.raises(UnreadableAnswer):
        seal.parse_answer((raw + b" " * size)[:size])


def test_seal_open_round_trip(seal_key: ec.EllipticCurvePrivateKey) -> None:
    public = seal.seal_public_bytes(seal_key)
    sealed = seal.seal_answer(public, ANSWERS, "r1")
    assert len(sealed) == 4177
    seal.check_sealed_size(len(sealed))
    assert seal.open_answer(seal_key, sealed, "r1") == ANSWERS


def test_open_refuses_tampering_wrong_info_and_wrong_key(
    seal_key: ec.EllipticCurvePrivateKey,
) -> None:
    public = seal.seal_public_bytes(seal_key)
    info = seal.answer_info("r1")
    sealed = seal.seal(public, seal.pad_answer(ANSWERS), info)
    for index in (0, 1, 64, 65, 100, len(sealed) - 17, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(UndecryptableAnswer):
            seal.open_sealed(seal_key, bytes(tampered), info)
    with pytest.raises(UndecryptableAnswer):
        seal.open_sealed(seal_key, sealed, seal.answer_info("r2"))
    with pytest.raises(UndecryptableAnswer):
        seal.open_answer(seal_key, sealed, "r2")
    with pytest.raises(UndecryptableAnswer):
        seal.open_sealed(seal.generate_seal_key(), sealed, info)
    for short in (b"", sealed[:65], sealed[:80]):
        with pytest.raises(UndecryptableAnswer):
            seal.open_sealed(seal_key, short, info)


def test_open_refuses_a_key_on_another_curve(seal_key: ec.EllipticCurvePrivateKey) -> None:
    sealed = seal.seal_answer(seal.seal_public_bytes(seal_key), ANSWERS, "r1")
    with pytest.raises(MalformedInput):
        seal.open_sealed(ec.generate_private_key(ec.SECP384R1()), sealed, b"i")


def test_a_readable_but_invalid_plaintext_is_unreadable(
    seal_key: ec.EllipticCurvePrivateKey,
) -> None:
    public = seal.seal_public_bytes(seal_key)
    sealed = seal.seal(public, _pad_raw(b'{"v": 2, "answers": {}}'), seal.answer_info("r1"))
    with pytest.raises(UnreadableAnswer) as info:
        seal.open_answer(seal_key, sealed, "r1")
    assert not isinstance(info.value, UndecryptableAnswer)


@pytest.mark.parametrize("size", [0, 4176, 4178, 16464, 16466, 65616, 65618, 4096])
def test_wrong_sealed_sizes_are_malformed(seal_key: ec.EllipticCurvePrivateKey, size: int) -> None:
    with pytest.raises(MalformedInput):
        seal.check_sealed_size(size)
    with pytest.raises(MalformedInput):
        seal.open_answer(seal_key, b"\x04" * size, "r1")


def test_public_key_encoding(seal_key: ec.EllipticCurvePrivateKey) -> None:
    public = seal.seal_public_bytes(seal_key)
    assert len(public) == 65 and public[0] == 4
    assert seal.seal_public_bytes(seal.load_seal_public(public)) == public


@pytest.mark.parametrize(
    "data",
    [b"", b"\x04" * 65, b"\x02" + b"\x01" * 32, b"\x05" + b"\x01" * 64, b"\x04" + b"\x00" * 64],
)
def test_load_seal_public_refuses_bad_points(data: bytes) -> None:
    with pytest.raises(MalformedInput):
        seal.load_seal_public(data)


def test_round_fingerprint(
    seal_key: ec.EllipticCurvePrivateKey, small_token_key: rsa.RSAPrivateKey
) -> None:
    spki = blindrsa.public_key_spki(small_token_key)
    public = seal.seal_public_bytes(seal_key)
    fingerprint = seal.round_fingerprint(spki, public)
    assert fingerprint == hashlib.sha256(spki + public).hexdigest()
    assert len(fingerprint) == 64 and fingerprint == fingerprint.lower()
    with pytest.raises(MalformedInput):
        seal.round_fingerprint(spki, public[1:])
