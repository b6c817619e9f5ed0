"""Sealed consultation responses (DESIGN.md §6, "Consultations"): the topics' plaintext layout.

Sealed, padded and sized exactly like an answer (:mod:`survey.crypto.seal`, same HPKE suite, the
same ``info`` with the consultation's id); only the JSON inside differs::

    {"v": 1, "responses": {topic id: {"stance": "agree"|"object"|"suggest", "text": "…"}},
     "comment": "…"}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from survey.crypto.errors import AnswerTooLarge, MalformedInput, UnreadableAnswer
from survey.crypto.seal import (
    ANSWER_VERSION,
    PADDED_SIZES,
    _decode_json,
    _is_clean_text,
    _well_formed,
    answer_info,
    check_sealed_size,
    open_sealed,
    seal,
)

STANCES = ("agree", "object", "suggest")


@dataclass(frozen=True)
class Response:
    stance: str
    text: str


@dataclass(frozen=True)
class Responses:
    """One person's responses to one version: by topic id, and the general comment."""

    by_topic: dict[str, Response]
    comment: str


def pad_responses(responses: Mapping[str, Response], comment: str = "") -> bytes:
    """The version-1 JSON padded to the smallest of the three sizes (as the browser does)."""
    doc = {
        "v": ANSWER_VERSION,
        "responses": {
            _well_formed(k): {"stance": r.stance, "text": _well_formed(r.text)}
            for k, r in responses.items()
        },
        "comment": _well_formed(comment),
    }
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    for size in PADDED_SIZES:
        if len(raw) <= size:
            return raw + b" " * (size - len(raw))
    raise AnswerTooLarge(f"responses are {len(raw)} bytes encoded; limit {PADDED_SIZES[-1]}")


def parse_responses(plaintext: bytes) -> Responses:
    """Strictly parse a padded plaintext; raises UnreadableAnswer for anything off the layout."""
    doc = _decode_json(bytes(plaintext))
    if not isinstance(doc, dict) or set(doc) - {"comment"} != {"v", "responses"}:
        raise UnreadableAnswer('responses must be an object with "v", "responses", "comment"')
    version = doc["v"]
    if type(version) is not int or version != ANSWER_VERSION:
        raise UnreadableAnswer(f"unsupported responses version {version!r}")
    comment = doc.get("comment", "")
    if not _is_clean_text(comment):
        raise UnreadableAnswer('"comment" must be a string')
    raw = doc["responses"]
    if not isinstance(raw, dict):
        raise UnreadableAnswer('"responses" must be an object')
    by_topic = {}
    for key, value in raw.items():
        if not _is_clean_text(key) or not isinstance(value, dict):
            raise UnreadableAnswer("responses must map topic ids to objects")
        if set(value) - {"text"} != {"stance"} or value["stance"] not in STANCES:
            raise UnreadableAnswer('each response needs a "stance" and may have a "text"')
        text = value.get("text", "")
        if not _is_clean_text(text):
            raise UnreadableAnswer('"text" must be a string')
        by_topic[key] = Response(value["stance"], text)
    return Responses(by_topic, comment)


def seal_responses(
    public65: bytes, responses: Mapping[str, Response], comment: str, consultation_id: str
) -> bytes:
    """Pad and seal responses as the browser does (tests, demo data, tools)."""
    if not all(isinstance(r, Response) for r in responses.values()):
        raise MalformedInput("responses must be Response values")
    return seal(public65, pad_responses(responses, comment), answer_info(consultation_id))


def open_responses(
    private_key: ec.EllipticCurvePrivateKey, sealed: bytes, consultation_id: str
) -> Responses:
    """Size check, HPKE open and strict parse: what unsealing a consultation does for each row."""
    check_sealed_size(len(sealed))
    return parse_responses(open_sealed(private_key, sealed, answer_info(consultation_id)))
