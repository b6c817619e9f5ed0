"""The officers' wire protocol (DESIGN.md section 6): success paths and the order of failures."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto import blindrsa
from survey.models import Invitation, Round, SealedAnswer, SpentToken, User
from survey.rounds.wire import b64u_encode
from tests.rounds_support import OfficerClient, code_of


@pytest.fixture
def officer(client: Any, open_round: Round) -> OfficerClient:
    return OfficerClient(client, open_round.public_id)


def codes(session: Session, round_: Round) -> list[str]:
    invitations = session.scalars(select(Invitation).where(Invitation.round_id == round_.id)).all()
    return [code_of(i) for i in invitations if i.code_sealed is not None]


def test_keys_describe_the_round(officer: OfficerClient, open_round: Round) -> None:
    keys = officer.fetch_keys()
    assert keys["round_id"] == open_round.public_id
    assert keys["state"] == "collecting"
    assert keys["fingerprint"] == open_round.fingerprint
    assert keys["max_sealed_bytes"] == 65617
    assert keys["sections"][0]["title"] == "对支部班子的意见建议"
    assert keys["sections"][-1]["title"] == "其他意见建议"


def test_token_then_answer_then_identical_retry(
    officer: OfficerClient, session: Session, open_round: Round
) -> None:
    token, signature = officer.obtain_token(codes(session, open_round)[0])
    sections = officer.fetch_keys()["sections"]
    body = officer.answer_body(
        token, signature, officer.sealed({sections[0]["id"]: "值班安排要更合理"})
    )
    first = officer.post("answers", body)
    assert first.status_code == 201
    receipt = first.json["receipt"]
    assert len(receipt) == 64 and receipt == receipt.lower()
    again = officer.post("answers", body)
    assert again.status_code == 201 and again.json["receipt"] == receipt
    other = officer.answer_body(token, signature, officer.sealed({sections[0]["id"]: "别的内容"}))
    spent = officer.post("answers", other)
    assert spent.status_code == 409 and spent.json["error"] == "token_spent"
    assert session.scalar(select(SealedAnswer).where(SealedAnswer.round_id == open_round.id))
    assert session.get(SpentToken, bytes.fromhex(receipt)) is not None


def test_lost_reply_retry_gets_the_same_signature_other_message_refused(
    officer: OfficerClient, session: Session, open_round: Round
) -> None:
    code = codes(session, open_round)[0]
    officer.fetch_keys()
    pk = officer.public_key()
    input_msg = blindrsa.prepare(blindrsa.build_token_message(open_round.public_id))
    blinded = blindrsa.blind(pk, input_msg)
    body = {"invitation": code.upper(), "blinded_msg": b64u_encode(blinded.blinded_msg)}
    first = officer.post("tokens", body)
    second = officer.post("tokens", body)
    assert first.status_code == second.status_code == 200
    assert first.json == second.json
    other = blindrsa.blind(pk, blindrsa.prepare(blindrsa.build_token_message(open_round.public_id)))
    refused = officer.post(
        "tokens", {"invitation": code, "blinded_msg": b64u_encode(other.blinded_msg)}
    )
    assert refused.status_code == 409 and refused.json["error"] == "invitation_used"


def test_unknown_round_and_not_json(officer: OfficerClient, client: Any) -> None:
    assert client.get("/api/v1/rounds/nosuchround/keys").json["error"] == "unknown_round"
    response = client.post("/api/v1/rounds/nosuchround/tokens", data="x", content_type="text/plain")
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/rounds/{officer.round_id}/tokens", data="{}", content_type="text/plain"
    )
    assert response.status_code == 415 and response.json["error"] == "not_json"


def test_too_large(officer: OfficerClient, client: Any) -> None:
    response = client.post(
        f"/api/v1/rounds/{officer.round_id}/answers",
        data=b"{" + b" " * (128 * 1024 + 1) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413 and response.json["error"] == "too_large"


def test_malformed_before_forbidden(
    officer: OfficerClient, session: Session, open_round: Round
) -> None:
    keys = officer.fetch_keys()
    n_len = len(
        blindrsa.load_public_spki(officer.public_key().public_bytes(*_der_spki()))
        .public_numbers()
        .n.to_bytes(256, "big")
    )
    bad = officer.post("tokens", {"invitation": "nope", "blinded_msg": "!!"})
    assert bad.status_code == 400 and bad.json["error"] == "malformed"
    too_big = officer.post(
        "tokens", {"invitation": "nope", "blinded_msg": b64u_encode(b"\xff" * n_len)}
    )
    assert too_big.status_code == 400
    unknown = officer.post(
        "tokens", {"invitation": "nope", "blinded_msg": b64u_encode(b"\x01" * n_len)}
    )
    assert unknown.status_code == 403 and unknown.json["error"] == "unknown_invitation"
    assert keys["state"] == "collecting"


def _der_spki() -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo


def _modulus(officer: OfficerClient) -> int:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    from survey.rounds.wire import b64u_decode

    key = load_der_public_key(b64u_decode(officer.keys["token_key"]["spki"]))
    assert isinstance(key, rsa.RSAPublicKey)
    return key.public_numbers().n


def test_wrong_round_and_bad_signature(
    officer: OfficerClient, session: Session, open_round: Round
) -> None:
    token, signature = officer.obtain_token(codes(session, open_round)[1])
    sections = officer.keys["sections"]
    sealed = officer.sealed({sections[0]["id"]: "内容"})
    # The last bit: flipping one in the first byte can lift the value to n or above, which is
    # 400 malformed, not 403 (about one run in 500 failed that way).
    forged = signature[:-1] + bytes([signature[-1] ^ 1])
    response = officer.post("answers", officer.answer_body(token, forged, sealed))
    assert response.status_code == 403 and response.json["error"] == "bad_signature"
    modulus = _modulus(officer)
    for too_big in (modulus, (1 << (8 * len(signature))) - 1):
        big = too_big.to_bytes(len(signature), "big")
        response = officer.post("answers", officer.answer_body(token, big, sealed))
        assert response.status_code == 400 and response.json["error"] == "malformed"
    other_round = token[:32] + blindrsa.build_token_message("otherround")
    response = officer.post("answers", officer.answer_body(other_round, signature, sealed))
    assert response.status_code == 403 and response.json["error"] == "wrong_round"
    short = officer.post("answers", officer.answer_body(token[:40], signature, sealed))
    assert short.status_code == 400
    wrong_size = officer.post("answers", officer.answer_body(token, signature, sealed[:-1]))
    assert wrong_size.status_code == 400


def test_a_passed_deadline_closes_the_round_when_touched(
    officer: OfficerClient, session: Session, open_round: Round
) -> None:
    from datetime import timedelta

    from survey.models import RoundEvent
    from survey.rounds.clock import utcnow

    code = codes(session, open_round)[0]
    officer.fetch_keys()
    open_round.deadline = utcnow() - timedelta(minutes=1)
    session.flush()
    keys = officer.client.get(f"/api/v1/rounds/{open_round.public_id}/keys").json
    assert keys["state"] == "closed"
    session.refresh(open_round)
    assert open_round.state == "closed" and open_round.token_key_wrapped is None
    closed = session.scalars(select(RoundEvent).where(RoundEvent.kind == "closed")).one()
    assert closed.actor_id is None and closed.detail == {"reason": "deadline"}
    pk = officer.public_key()
    blinded = blindrsa.blind(
        pk, blindrsa.prepare(blindrsa.build_token_message(open_round.public_id))
    )
    late = officer.post(
        "tokens", {"invitation": code, "blinded_msg": b64u_encode(blinded.blinded_msg)}
    )
    assert late.status_code == 410 and late.json["error"] == "round_not_collecting"


def test_identical_retry_after_close_still_gets_its_receipt(
    app: Flask, officer: OfficerClient, session: Session, open_round: Round, secretary: User
) -> None:
    from survey.rounds.clock import utcnow
    from survey.rounds.lifecycle import close_round

    token, signature = officer.obtain_token(codes(session, open_round)[0])
    section = officer.keys["sections"][0]["id"]
    body = officer.answer_body(token, signature, officer.sealed({section: "意见"}))
    receipt = officer.post("answers", body).json["receipt"]
    with app.app_context():
        close_round(session, open_round, secretary, now=utcnow())
    session.flush()
    again = officer.post("answers", body)
    assert again.status_code == 201 and again.json["receipt"] == receipt
    other = officer.answer_body(token, signature, officer.sealed({section: "别的"}))
    late = officer.post("answers", other)
    assert late.status_code == 410 and late.json["error"] == "round_not_collecting"
