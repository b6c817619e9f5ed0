"""The two-part opening code: text format, typo detection, and wrapping of the sealing key."""

from __future__ import annotations

import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from survey.crypto import opening, seal
from survey.crypto.errors import (
    CorruptKeyBlob,
    MalformedInput,
    OpeningCodeTypo,
    SamePartTwice,
    WrongOpeningCode,
    WrongPartNumber,
)
from survey.crypto.opening import FAST_TEST_PARAMS
from survey.crypto.opening_codes import ALPHABET

PART_RE = re.compile(r"[12][0-9A-HJKMNP-TV-Z]{3}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


@pytest.fixture(scope="module")
def ceremony() -> tuple[str, str, ec.EllipticCurvePrivateKey, bytes]:
    """Step one with part 1, step two with part 2, as the web UI runs them."""
    part1, part2 = opening.new_part(1), opening.new_part(2)
    pending = opening.begin_opening(part1, params=FAST_TEST_PARAMS)
    key = seal.generate_seal_key()
    return part1, part2, key, opening.complete_opening(pending, part2, key)


def _same_key(a: ec.EllipticCurvePrivateKey, b: ec.EllipticCurvePrivateKey) -> bool:
    return a.private_numbers() == b.private_numbers()


# --- text format --------------------------------------------------------------------------------


def test_part_format() -> None:
    for number in (1, 2):
        text = opening.new_part(number)
        assert PART_RE.fullmatch(text), text
        assert text[0] == str(number)
        assert opening.parse_part(text).number == number
        assert opening.parse_part(text).text == text
    assert opening.new_part(1) != opening.new_part(1)


def test_new_part_refuses_other_numbers() -> None:
    for number in (0, 3, -1):
        with pytest.raises(WrongPartNumber):
            opening.new_part(number)


def test_parse_is_forgiving_about_case_dashes_spaces_and_lookalikes() -> None:
    text = opening.new_part(2)
    part = opening.parse_part(text)
    compact = text.replace("-", "")
    for variant in (
        text.lower(),
        compact,
        compact.lower(),
        " ".join(text.split("-")),
        f"  {text}\n",
        "\t".join(compact[i : i + 2] for i in range(0, 16, 2)),
        text.replace("1", "I").replace("0", "O"),
        text.replace("1", "l").replace("0", "o"),
    ):
        assert opening.parse_part(variant) == part, variant


def test_every_single_substitution_is_caught() -> None:
    compact = opening.new_part(1).replace("-", "")
    for index in range(len(compact)):
        for symbol in ALPHABET:
            if symbol == compact[index]:
                continue
            typo = compact[:index] + symbol + compact[index + 1 :]
            with pytest.raises(OpeningCodeTypo):
                opening.parse_part(typo)


def test_every_transposition_is_caught() -> None:
    compact = opening.new_part(2).replace("-", "")
    for i in range(len(compact)):
        for j in range(i + 1, len(compact)):
            if compact[i] == compact[j]:
                continue
            chars = list(compact)
            chars[i], chars[j] = chars[j], chars[i]
            with pytest.raises(OpeningCodeTypo):
                opening.parse_part("".join(chars))


def test_typo_messages_say_what_is_wrong() -> None:
    text = opening.new_part(2)
    with pytest.raises(OpeningCodeTypo, match="part 2: expected 16 characters") as info:
        opening.parse_part(text[:-1])
    assert info.value.part_number == 2
    with pytest.raises(OpeningCodeTypo, match="part 2: 'U' cannot appear"):
        opening.parse_part(text[:-1] + "U")
    last = ALPHABET[(ALPHABET.index(text[-1]) + 1) % 32]
    with pytest.raises(OpeningCodeTypo, match="part 2: the check character"):
        opening.parse_part(text[:-1] + last)
    with pytest.raises(OpeningCodeTypo, match="part number, 1 or 2") as info:
        opening.parse_part("3" + text[1:])
    assert info.value.part_number is None
    with pytest.raises(OpeningCodeTypo, match="empty"):
        opening.parse_part(" - ")
    assert issubclass(OpeningCodeTypo, MalformedInput)


def test_part_repr_hides_the_secret() -> None:
    part = opening.parse_part(opening.new_part(1))
    assert part.secret.hex() not in repr(part)
    assert part.text not in repr(part)


# --- the two-step ceremony ----------------------------------------------------------------------


def test_pending_blob_holds_only_public_data() -> None:
    part1 = opening.new_part(1)
    pending = opening.begin_opening(part1, params=FAST_TEST_PARAMS)
    doc = json.loads(pending)
    assert set(doc) == {"v", "kind", "argon2", "salt1", "pub1"}
    assert doc["argon2"] == {"m": 8, "t": 1, "p": 1}
    assert part1.replace("-", "") not in pending.decode()
    secret = opening.parse_part(part1).secret
    assert secret not in pending and secret.hex() not in pending.decode()


def test_unwrap_with_both_parts_in_either_order(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, key, wrapped = ceremony
    assert _same_key(opening.unwrap_seal_key(wrapped, part1, part2), key)
    assert _same_key(opening.unwrap_seal_key(wrapped, part2, part1), key)
    assert _same_key(opening.unwrap_seal_key(wrapped, part2.lower(), part1.replace("-", " ")), key)
    assert opening.wrapped_seal_public(wrapped) == seal.seal_public_bytes(key)


def test_wrong_part_names_the_part(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, _, wrapped = ceremony
    with pytest.raises(WrongOpeningCode, match="part 1") as info:
        opening.unwrap_seal_key(wrapped, opening.new_part(1), part2)
    assert info.value.part_number == 1
    with pytest.raises(WrongOpeningCode, match="part 2") as info:
        opening.unwrap_seal_key(wrapped, part1, opening.new_part(2))
    assert info.value.part_number == 2


def test_same_number_twice_is_refused(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, _, wrapped = ceremony
    with pytest.raises(SamePartTwice):
        opening.unwrap_seal_key(wrapped, part1, part1)
    with pytest.raises(SamePartTwice):
        opening.unwrap_seal_key(wrapped, part2, opening.new_part(2))


def test_typo_is_caught_before_any_argon2_work(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    part1, part2, _, wrapped = ceremony

    def forbidden(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("Argon2id ran before the typo was reported")

    monkeypatch.setattr(opening, "hash_secret_raw", forbidden)
    typo = part2[:-1] + ALPHABET[(ALPHABET.index(part2[-1]) + 1) % 32]
    with pytest.raises(OpeningCodeTypo, match="part 2"):
        opening.unwrap_seal_key(wrapped, part1, typo)
    with pytest.raises(SamePartTwice):
        opening.unwrap_seal_key(wrapped, part1, part1)


def test_steps_need_the_right_part_numbers() -> None:
    with pytest.raises(WrongPartNumber):
        opening.begin_opening(opening.new_part(2), params=FAST_TEST_PARAMS)
    pending = opening.begin_opening(opening.new_part(1), params=FAST_TEST_PARAMS)
    with pytest.raises(WrongPartNumber):
        opening.complete_opening(pending, opening.new_part(1), seal.generate_seal_key())


def test_a_part_from_another_round_does_not_open(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, _, wrapped = ceremony
    other_pending = opening.begin_opening(part1, params=FAST_TEST_PARAMS)  # same part, new salt
    other = opening.complete_opening(other_pending, part2, seal.generate_seal_key())
    assert other != wrapped
    assert opening.wrapped_seal_public(other) != opening.wrapped_seal_public(wrapped)


def _edit(blob: bytes, **changes: object) -> bytes:
    doc = json.loads(blob)
    doc.update(changes)
    return json.dumps(doc).encode()


def test_tampered_wrapped_blob_never_opens(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, _, wrapped = ceremony
    doc = json.loads(wrapped)
    other_point = opening._b64(seal.seal_public_bytes(seal.generate_seal_key()))
    for field, value in [
        ("seal_pub", other_point),
        ("eph", other_point),
        ("pub1", other_point),
        ("nonce", "A" * 16),
        ("ct", doc["ct"][:-2] + ("AA" if doc["ct"][-2:] != "AA" else "BA")),
        ("salt2", "A" * 22),
        ("salt1", "A" * 22),
        ("argon2", {"m": 16, "t": 1, "p": 1}),
    ]:
        with pytest.raises((WrongOpeningCode, CorruptKeyBlob)):
            opening.unwrap_seal_key(_edit(wrapped, **{field: value}), part1, part2)


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"not json",
        b"[]",
        b'{"v": 1}',
        b'{"v": 2, "kind": "svy-opening-wrapped"}',
        b'{"v": true, "kind": "svy-opening-wrapped"}',
    ],
)
def test_garbage_blobs_are_corrupt(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes], blob: bytes
) -> None:
    part1, part2, _, _ = ceremony
    with pytest.raises(CorruptKeyBlob):
        opening.unwrap_seal_key(blob, part1, part2)
    with pytest.raises(CorruptKeyBlob):
        opening.wrapped_seal_public(blob)


@pytest.mark.parametrize(
    "params",
    [
        {"m": 2**30, "t": 1, "p": 1},
        {"m": 8, "t": 0, "p": 1},
        {"m": 8, "t": 1, "p": 2},
        {"m": "8", "t": 1, "p": 1},
        {"m": 8, "t": True, "p": 1},
        {"m": 8, "t": 1},
    ],
)
def test_out_of_range_argon2_params_in_a_blob_are_refused_before_running(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes], params: dict[str, object]
) -> None:
    part1, part2, _, wrapped = ceremony
    with pytest.raises(CorruptKeyBlob):
        opening.unwrap_seal_key(_edit(wrapped, argon2=params), part1, part2)


def test_pending_blob_is_checked(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    _, part2, key, wrapped = ceremony
    with pytest.raises(CorruptKeyBlob):
        opening.complete_opening(wrapped, part2, key)  # a wrapped blob is not a pending one
    pending = opening.begin_opening(opening.new_part(1), params=FAST_TEST_PARAMS)
    with pytest.raises(CorruptKeyBlob):
        opening.complete_opening(_edit(pending, pub1="AAAA"), part2, key)
    with pytest.raises(MalformedInput):
        opening.complete_opening(pending, part2, ec.generate_private_key(ec.SECP384R1()))


def test_rewrap_raises_the_parameters(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, key, wrapped = ceremony
    stronger = opening.Argon2Params(memory_kib=16, time_cost=2, parallelism=1)
    rewrapped = opening.rewrap_seal_key(wrapped, part2, part1, params=stronger)
    assert json.loads(rewrapped)["argon2"] == {"m": 16, "t": 2, "p": 1}
    assert _same_key(opening.unwrap_seal_key(rewrapped, part1, part2), key)


def test_default_params_are_production_strength() -> None:
    assert opening.DEFAULT_PARAMS.memory_kib >= 65536
    assert opening.DEFAULT_PARAMS.time_cost >= 3
    opening.DEFAULT_PARAMS.check()
    with pytest.raises(MalformedInput):
        opening.begin_opening(opening.new_part(1), params=opening.Argon2Params(4, 1, 1))


def test_altered_ciphertext_with_right_parts_is_corrupt_not_wrong_code(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, part2, _, wrapped = ceremony
    ct = json.loads(wrapped)["ct"]
    altered = _edit(wrapped, ct=("B" if ct[0] == "A" else "A") + ct[1:])
    with pytest.raises(CorruptKeyBlob, match="altered"):
        opening.unwrap_seal_key(altered, part1, part2)


def test_check_part_needs_the_right_number_and_blob(
    ceremony: tuple[str, str, ec.EllipticCurvePrivateKey, bytes],
) -> None:
    part1, _, _, wrapped = ceremony
    pending = opening.begin_opening(part1, params=FAST_TEST_PARAMS)
    with pytest.raises(WrongPartNumber):
        opening.check_part(wrapped, part1, 2)
    with pytest.raises(CorruptKeyBlob):
        opening.check_part(pending, opening.new_part(2), 2)
    with pytest.raises(CorruptKeyBlob):
        opening.check_part(b"{}", part1, 1)
