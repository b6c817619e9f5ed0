"""Global limits count only real work (DESIGN.md section 3 "Flooding", issue 8 item 7).

The attack: anyone holding a round id floods the answer endpoint with junk to use up the global
limit for everyone (near the deadline), or counts the junk requests until the first 429 to learn
how many real answers arrived in the window. Both now fail: junk is refused without touching a
counter, and only real work (an answer that verified and was stored, an invitation found unused,
a status asked with a real code) counts.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.api import limits
from survey.crypto import blindrsa
from survey.models import Invitation, Round, SealedAnswer, SpentToken
from survey.rounds.wire import b64u_encode
from tests.rounds_support import OfficerClient, code_of

LIMITED = pytest.mark.settings(
    RATELIMIT_ENABLED=True, ANSWER_RATE_LIMIT="3 per hour", TOKEN_RATE_LIMIT="100 per hour"
)
FEW_TOKENS = pytest.mark.settings(RATELIMIT_ENABLED=True, TOKEN_RATE_LIMIT="2 per hour")


def remaining(app: Flask, name: str, setting: str) -> int:
    """What is left of a global counter in this window."""
    with app.app_context():
        return limits.remaining(name)


def stored(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def junk_answers(officer: OfficerClient, spent: tuple[bytes, bytes, bytes]) -> list[int]:
    """What a stranger (and an officer replaying their own token) can send: all refused."""
    token, signature, sealed = spent
    unsigned = blindrsa.prepare(blindrsa.build_token_message(officer.round_id))
    bodies: list[Any] = [{}] * 40 + [[], "x", {"token": "!!", "signature": "", "sealed": ""}] * 5
    bodies += [officer.answer_body(unsigned, signature, sealed)] * 20  # bad signature
    other = officer.sealed({"x": "另一份"})
    bodies += [officer.answer_body(token, signature, other)] * 20  # token spent
    return [officer.post("answers", body).status_code for body in bodies]


@LIMITED
def test_junk_never_touches_the_answer_counter(
    app: Flask, client: Any, open_round: Round, session: Session
) -> None:
    limits.reset()
    officer = OfficerClient(client, open_round.public_id)
    codes = [code_of(i) for i in open_round.invitations]
    token, signature = officer.obtain_token(codes[0])
    sealed = officer.sealed({"x": "第一份"})
    first = officer.answer_body(token, signature, sealed)
    assert officer.post("answers", first).status_code == 201
    assert remaining(app, "answers", "ANSWER_RATE_LIMIT") == 2

    statuses = junk_answers(officer, (token, signature, sealed))
    assert set(statuses) == {400, 403, 409}, statuses  # never 429
    # An identical retry is answered with its receipt and is not counted either.
    assert officer.post("answers", first).status_code == 201
    assert remaining(app, "answers", "ANSWER_RATE_LIMIT") == 2

    real = []
    for code in codes[1:4]:
        token, signature = officer.obtain_token(code)
        real.append(officer.answer_body(token, signature, officer.sealed({"x": code})))
    assert [officer.post("answers", body).status_code for body in real] == [201, 201, 429]
    # The refused answer kept nothing: its token is unspent and is accepted in the next window.
    assert stored(session, SealedAnswer) == 3 and stored(session, SpentToken) == 3
    limits.reset()
    assert officer.post("answers", real[2]).status_code == 201


@LIMITED
def test_junk_cannot_reveal_how_many_real_answers_arrived(
    app: Flask, client: Any, open_round: Round
) -> None:
    limits.reset()
    officer = OfficerClient(client, open_round.public_id)
    codes = [code_of(i) for i in open_round.invitations]
    token, signature = officer.obtain_token(codes[0])
    spent = (token, signature, officer.sealed({"x": "第一份"}))
    assert officer.post("answers", officer.answer_body(*spent)).status_code == 201
    before = junk_answers(officer, spent)
    token, signature = officer.obtain_token(codes[1])
    body = officer.answer_body(token, signature, officer.sealed({"x": "第二份"}))
    assert officer.post("answers", body).status_code == 201
    # The same junk gets the same replies whatever the real count; the window is now full.
    assert junk_answers(officer, spent) == before
    assert remaining(app, "answers", "ANSWER_RATE_LIMIT") == 1


@FEW_TOKENS
def test_tokens_count_only_invitations_found_unused(
    app: Flask, client: Any, open_round: Round, session: Session
) -> None:
    limits.reset()
    officer = OfficerClient(client, open_round.public_id)
    officer.fetch_keys()
    codes = [code_of(i) for i in open_round.invitations]

    def ask(code: str, blinded: bytes | None = None) -> tuple[int, bytes]:
        if blinded is None:
            message = blindrsa.prepare(blindrsa.build_token_message(open_round.public_id))
            blinded = blindrsa.blind(officer.public_key(), message).blinded_msg
        body = {"invitation": code, "blinded_msg": b64u_encode(blinded)}
        return officer.post("tokens", body).status_code, blinded

    junk = [ask("x" * 26)[0] for _ in range(30)]  # unknown codes
    junk += [officer.post("tokens", {}).status_code for _ in range(30)]
    assert set(junk) == {400, 403}
    assert remaining(app, "tokens", "TOKEN_RATE_LIMIT") == 2

    status, blinded = ask(codes[0])
    assert status == 200
    assert ask(codes[0], blinded)[0] == 200  # a lost reply asked again: not counted
    assert ask(codes[0])[0] == 409  # used by another message: refused, not counted
    assert [ask(codes[1])[0], ask(codes[2])[0]] == [200, 429]
    # The refused claim was rolled back: the invitation is still unused.
    session.expire_all()
    third = session.scalar(select(Invitation).where(Invitation.id == open_round.invitations[2].id))
    assert third is not None and not third.used
    limits.reset()
    assert ask(codes[2])[0] == 200


@FEW_TOKENS
def test_status_counts_only_real_codes(app: Flask, client: Any, open_round: Round) -> None:
    limits.reset()
    officer = OfficerClient(client, open_round.public_id)
    junk = [officer.post("invitation-status", {"invitation": "x" * 26}).status_code] * 30
    assert set(junk) == {403}
    assert remaining(app, "status", "TOKEN_RATE_LIMIT") == 2
    real = code_of(open_round.invitations[0])
    replies = [officer.post("invitation-status", {"invitation": real}) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    assert replies[2].headers["Retry-After"]


@pytest.mark.settings(
    RATELIMIT_ENABLED=True,
    RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0",
    ANSWER_RATE_LIMIT="1 per hour",
)
def test_an_unreachable_counter_store_turns_no_answer_away(
    client: Any, open_round: Round, caplog: pytest.LogCaptureFixture
) -> None:
    officer = OfficerClient(client, open_round.public_id)
    for invitation in open_round.invitations[:2]:
        token, signature = officer.obtain_token(code_of(invitation))
        body = officer.answer_body(token, signature, officer.sealed({"x": "y"}))
        assert officer.post("answers", body).status_code == 201
    assert "rate-limit storage unavailable" in caplog.text
