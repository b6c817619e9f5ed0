"""Property-based fuzzing of the officers' JSON API (DESIGN.md section 6).

Whatever arrives (any JSON value, protocol-shaped objects with arbitrary contents, arbitrary
bytes, deep nesting, any content type, any round id), the answer is never a 5xx, is always one
of the failure codes section 6 lists, with the status that goes with it, and the database does
not change. Runs on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.rounds.wire import b64u_encode
from tests.hostile.support import World

# Section 6's failures: each status and the codes it may carry.
FAILURES = {
    400: {"malformed"},
    403: {"unknown_invitation", "invitation_reissued", "wrong_round", "bad_signature"},
    404: {"unknown_round"},
    409: {"invitation_used", "token_spent", "answer_duplicate"},
    410: {"round_not_collecting"},
    413: {"too_large"},
    415: {"not_json"},
    429: {"rate_limited"},
}
ENDPOINTS = ("tokens", "answers", "invitation-status")
ROUNDS = ("collecting", "closed", "unsealed", "draft")
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any character, lone surrogates and NUL included (json.dumps escapes them as \\uXXXX).
any_text = st.text(st.characters(codec=None, categories=None), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(any_text, children, max_size=5),
    max_leaves=25,
)
b64_values = st.binary(max_size=300).map(b64u_encode) | any_text
protocol_objects = st.fixed_dictionaries(
    {},
    optional={
        "invitation": any_text | json_values,
        "blinded_msg": b64_values,
        "token": b64_values,
        "signature": b64_values,
        "sealed": b64_values,
    },
)
json_bodies = (json_values | protocol_objects).map(lambda value: json.dumps(value).encode())
nested_bodies = st.integers(1, 20000).flatmap(
    lambda n: st.sampled_from([b"[" * n, b'{"a":' * n, b"[" * n + b"]" * n])
)
bodies = json_bodies | st.binary(max_size=2000) | nested_bodies
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain",
     "application/x-www-form-urlencoded", "multipart/form-data", None]
)
round_ids = st.sampled_from(ROUNDS) | st.text(
    st.characters(codec=None, categories=None, exclude_characters="/"), min_size=1, max_size=60
)


def post(
    world: World, round_name: str, endpoint: str, body: bytes, content_type: str | None
) -> Any:
    round_id = world.names.get(round_name, round_name) if round_name in ROUNDS else round_name
    path = f"/api/v1/rounds/{quote(round_id.encode('utf-8', 'surrogatepass'), safe='')}/{endpoint}"
    kwargs: dict[str, Any] = {"data": body}
    if content_type is not None:
        kwargs["content_type"] = content_type
    return world.clients["anonymous"].post(path, **kwargs)


def assert_section_6_failure(response: Any) -> None:
    assert response.status_code < 500, response.get_data()[:500]
    assert response.status_code in FAILURES, (response.status_code, response.get_data()[:500])
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error", "message"}, response.get_data()[:500]
    assert body["error"] in FAILURES[response.status_code], body
    assert isinstance(body["message"], str) and body["message"].strip()


def check(
    world: World, round_name: str, endpoint: str, body: bytes, content_type: str | None
) -> None:
    savepoint = world.connection.begin_nested()
    try:
        before = world.snapshot()
        assert_section_6_failure(post(world, round_name, endpoint, body, content_type))
        assert world.snapshot() == before, "the database changed"
    finally:
        savepoint.rollback()


@FUZZ
@given(round_name=st.sampled_from(ROUNDS), endpoint=st.sampled_from(ENDPOINTS), body=json_bodies)
def test_any_json_value_is_refused_by_the_protocol(
    world: World, round_name: str, endpoint: str, body: bytes
) -> None:
    check(world, round_name, endpoint, body, "application/json")


@FUZZ
@given(
    round_name=round_ids,
    endpoint=st.sampled_from(ENDPOINTS),
    body=bodies,
    content_type=content_types,
)
def test_any_bytes_any_type_any_round_is_refused_by_the_protocol(
    world: World, round_name: str, endpoint: str, body: bytes, content_type: str | None
) -> None:
    check(world, round_name, endpoint, body, content_type)


@FUZZ
@given(round_name=round_ids)
def test_any_round_id_for_keys_is_found_or_unknown(world: World, round_name: str) -> None:
    round_id = world.names.get(round_name, round_name) if round_name in ROUNDS else round_name
    quoted = quote(round_id.encode("utf-8", "surrogatepass"), safe="")
    response = world.clients["anonymous"].get(f"/api/v1/rounds/{quoted}/keys")
    if round_name in ("collecting", "closed", "unsealed"):
        assert response.status_code == 200
    else:
        assert_section_6_failure(response)
