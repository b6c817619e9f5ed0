"""Confirming a re-typed part against what the server keeps, without the other part."""

from __future__ import annotations

import pytest

from survey.crypto import opening, seal
from survey.crypto.errors import OpeningCodeTypo, WrongOpeningCode

PARAMS = opening.FAST_TEST_PARAMS


def test_part1_checks_against_the_pending_and_the_wrapped_blob() -> None:
    part1, part2 = opening.new_part(1), opening.new_part(2)
    pending = opening.begin_opening(part1, params=PARAMS)
    opening.check_part(pending, part1.lower().replace("-", ""), 1)
    wrapped = opening.complete_opening(pending, part2, seal.generate_seal_key())
    opening.check_part(wrapped, part1, 1)
    opening.check_part(wrapped, part2, 2)


def test_another_part_is_refused_with_its_number() -> None:
    pending = opening.begin_opening(opening.new_part(1), params=PARAMS)
    wrapped = opening.complete_opening(pending, opening.new_part(2), seal.generate_seal_key())
    with pytest.raises(WrongOpeningCode) as first:
        opening.check_part(pending, opening.new_part(1), 1)
    assert first.value.part_number == 1
    with pytest.raises(WrongOpeningCode) as second:
        opening.check_part(wrapped, opening.new_part(2), 2)
    assert second.value.part_number == 2


def test_a_typo_is_caught_before_any_key_derivation() -> None:
    part1 = opening.new_part(1)
    pending = opening.begin_opening(part1, params=PARAMS)
    groups = part1.split("-")
    changed = groups[1][0].replace("A", "B") if groups[1][0] == "A" else "A"
    typo = "-".join([groups[0], changed + groups[1][1:], *groups[2:]])
    with pytest.raises(OpeningCodeTypo):
        opening.check_part(pending, typo, 1)
