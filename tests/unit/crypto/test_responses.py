"""The consultation plaintext (DESIGN.md section 6): padded like answers, parsed strictly."""

from __future__ import annotations

import json

import pytest

from survey.crypto import seal
from survey.crypto.errors import UnreadableAnswer
from survey.crypto.responses import (
    Response,
    open_responses,
    pad_responses,
    parse_responses,
    seal_responses,
)


def padded(doc: object) -> bytes:
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return raw + b" " * (4096 - len(raw))


def test_round_trip_through_hpke() -> None:
    key = seal.generate_seal_key()
    sealed = seal_responses(
        seal.seal_public_bytes(key),
        {"t1": Response("object", "范围太窄"), "t2": Response("agree", "")},
        "其他",
        "consult1",
    )
    assert len(sealed) in seal.SEALED_SIZES
    opened = open_responses(key, sealed, "consult1")
    assert opened.by_topic["t1"] == Response("object", "范围太窄")
    assert opened.comment == "其他"


def test_layout_is_the_pinned_json() -> None:
    plain = pad_responses({"t1": Response("suggest", "x")}, "c")
    assert len(plain) == 4096
    expected = json.dumps(
        {"v": 1, "responses": {"t1": {"stance": "suggest", "text": "x"}}, "comment": "c"},
        ensure_ascii=False,
    ).encode()
    assert plain.rstrip(b" ") == expected


def test_comment_and_text_may_be_left_out() -> None:
    parsed = parse_responses(padded({"v": 1, "responses": {"t": {"stance": "agree"}}}))
    assert parsed.by_topic["t"] == Response("agree", "") and parsed.comment == ""


@pytest.mark.parametrize(
    "doc",
    [
        {"v": 1, "answers": {}},
        {"v": 2, "responses": {}},
        {"v": True, "responses": {}},
        {"v": 1, "responses": []},
        {"v": 1, "responses": {"t": {"stance": "maybe"}}},
        {"v": 1, "responses": {"t": {"stance": "agree", "text": 3}}},
        {"v": 1, "responses": {"t": {"stance": "agree", "extra": ""}}},
        {"v": 1, "responses": {}, "comment": 1},
        {"v": 1, "responses": {}, "comment": "", "more": 1},
    ],
)
def test_anything_off_the_layout_is_unreadable(doc: object) -> None:
    with pytest.raises(UnreadableAnswer):
        parse_responses(padded(doc))


def test_a_sealed_answer_of_another_consultation_does_not_open() -> None:
    key = seal.generate_seal_key()
    sealed = seal_responses(seal.seal_public_bytes(key), {}, "", "consultone")
    with pytest.raises(UnreadableAnswer):
        open_responses(key, sealed, "consulttwo")
