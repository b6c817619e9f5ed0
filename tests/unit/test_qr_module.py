"""The browser's QR encoder (survey/static/js/qr.js) against segno, module for module.

The code for 「在其他设备继续」 is drawn in the browser because its link carries the officer's
anonymous token, which must never reach the server. segno is the reference: for every version
class, both levels and all eight masks the two must place the same modules.

segno pads a byte-aligned bit stream with one extra zero byte before the pad codewords (valid,
since readers stop at the terminator, but not what the standard's padding gives), so the texts
here fill their symbol exactly, where no pad codeword is needed and both encoders must agree.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
import segno
import segno.consts

from tests.unit.test_js_modules import NODE

ROOT = Path(__file__).resolve().parents[2]
LEVELS = {"L": segno.consts.ERROR_LEVEL_L, "M": segno.consts.ERROR_LEVEL_M}
VERSIONS = [1, 2, 5, 7, 9, 10, 14, 17, 21, 27, 32, 40]
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_#&=/:"


def full_text(version: int, level: str, rng: random.Random) -> str:
    """A byte-mode text that fills the symbol's data codewords exactly."""
    blocks = segno.consts.ECC[version][LEVELS[level]]
    data = sum(block.num_blocks * block.num_data for block in blocks)
    header = 2 if version < 10 else 3  # mode, count and terminator, in bytes
    return "".join(rng.choice(ALPHABET) for _ in range(data - header))


def js_modules(cases: list[dict[str, object]]) -> list[list[str]]:
    assert NODE is not None
    result = subprocess.run(
        [NODE, "tests/js/qr_matrix.mjs"],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return list(json.loads(result.stdout))


@pytest.mark.skipif(NODE is None, reason="node not found")
def test_every_module_matches_segno() -> None:
    rng = random.Random(9474)
    cases: list[dict[str, object]] = [
        {"text": full_text(version, level, rng), "level": level, "version": version, "mask": mask}
        for version in VERSIONS
        for level in LEVELS
        for mask in range(8)
    ]
    drawn = js_modules(cases)
    for case, rows in zip(cases, drawn, strict=True):
        want = segno.make(
            str(case["text"]),
            error=str(case["level"]).lower(),
            mode="byte",
            version=case["version"],
            mask=case["mask"],
            boost_error=False,
            micro=False,
        )
        expected = ["".join("1" if module else "0" for module in row) for row in want.matrix]
        assert rows == expected, (case["version"], case["level"], case["mask"])


@pytest.mark.skipif(NODE is None, reason="node not found")
def test_a_continue_link_fits_and_picks_the_smallest_version() -> None:
    link = (
        "https://survey.example.cn/a/abcdefgh23456789?lang=en#t=" + "x" * 123
        + "&s=" + "y" * 342 + "&fp=" + "f" * 64
    )
    (rows,) = js_modules([{"text": link, "level": "L"}])
    smallest = segno.make(link, error="l", mode="byte", boost_error=False, micro=False)
    assert len(rows) == smallest.symbol_size(border=0)[0]
