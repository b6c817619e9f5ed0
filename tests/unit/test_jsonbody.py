"""survey.jsonbody: strict JSON for request bodies an attacker may have written."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.jsonbody import MAX_DEPTH, BadJson, loads


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 100_000, "nests deeper"),
        (b"[" * 60_000 + b"]" * 60_000, "nests deeper"),
        (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "nests deeper"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nests deeper"),
        (b'{"invitation": "\\ud800"}', "lone surrogate"),
        (b'{"\\udfff": 1}', "lone surrogate"),
        (b'["\\ude00\\ud83d"]', "lone surrogate"),
        (b'{"invitation": "ab\\u0000cd"}', "NUL"),
        (b'{"a": NaN}', "NaN is not"),
        (b'{"a": -Infinity}', "Infinity is not"),
        (b'{"a": 1, "a": 2}', "same key twice"),
        (b'{"a": "\xff"}', "not valid UTF-8"),
        (b'{"a": "\xed\xa0\x80"}', "not valid UTF-8"),
        ('{"a": 1}'.encode("utf-16"), "not valid UTF-8"),
        (b'\xef\xbb\xbf{"a": 1}', "not JSON"),
        (b'{"a": "x\x00"}', "not JSON"),
        (b"1" * 5000, "not JSON"),
        (b"", "not JSON"),
        (b'{"a": 1} x', "not JSON"),
    ],
)
def test_refused(body: bytes, reason: str) -> None:
    with pytest.raises(BadJson, match=reason):
        loads(body)
    assert issubclass(BadJson, ValueError), "callers catch ValueError as before"


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (b'{"invitation": "ab2c", "blinded_msg": "Qm9f"}', {"invitation": "ab2c",
                                                             "blinded_msg": "Qm9f"}),
        (b'"\\ud83d\\ude00 \\u4e2d"', "\U0001f600 中"),
        ('{"文字": "意见"}'.encode(), {"文字": "意见"}),
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, json.loads(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)),
        (b'{"a": "\\\\u0000"}', {"a": "\\u0000"}),
        (b"1e999", float("inf")),
        (b"null", None),
    ],
)
def test_accepted(body: bytes, value: object) -> None:
    assert loads(body) == value


def test_deep_nesting_is_refused_however_deep_the_caller_already_is() -> None:
    def nested(depth: int) -> None:
        if depth:
            nested(depth - 1)
        else:
            with pytest.raises(BadJson):
                loads(b"[" * 50_000)

    nested(sys.getrecursionlimit() - 100)


@settings(max_examples=300, database=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8", exclude_characters="\x00")),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(st.characters(codec="utf-8", exclude_characters="\x00")), children,
                      max_size=4),
    max_leaves=20,
))
def test_every_json_value_of_honest_text_comes_back_unchanged(value: object) -> None:
    for ensure_ascii in (True, False):
        body = json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8")
        assert loads(body) == value
