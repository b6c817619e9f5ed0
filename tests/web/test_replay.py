"""Marking by replay (DESIGN.md section 3, issue 8 item 1): the attack, performed, now fails.

Whoever holds unused invitation codes (the secretary; or anyone with a database copy from before
codes were encrypted) and one person's sealed bytes (from traffic or a database copy) sends those
bytes again under fresh tokens. Were they accepted, that person's items would appear several
times after unseal and be picked out. The same sealed bytes are accepted once per round.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.models import OpinionItem, SealedAnswer, SpentToken, User
from tests.committed import committed_app, fresh_database
from tests.live_support import all_at_once, live_round, serve
from tests.unseal_support import NO_REWRITE, SAMPLE_ANSWERS, Collecting, close, unseal

VICTIM_TEXT = "所长分配加班不公平，希望公开排班依据"


def _count(session: Session, model: type, round_id: int) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.round_id == round_id))
        or 0
    )


def _replay(collecting: Collecting, sealed: bytes) -> tuple[int, str]:
    """The attacker: a fresh token from an unused code, the victim's sealed bytes."""
    token, signature = collecting.officer.obtain_token(collecting.codes.pop(0))
    response = collecting.officer.post(
        "answers", collecting.officer.answer_body(token, signature, sealed)
    )
    return response.status_code, str(response.json.get("error"))


@NO_REWRITE
def test_replayed_sealed_bytes_with_fresh_tokens_are_refused(
    app: Flask, session: Session, collecting: Collecting, secretary: User
) -> None:
    officer = collecting.officer
    victim_token, victim_sig = officer.obtain_token(collecting.codes.pop(0))
    victim_sealed = officer.sealed({collecting.section_ids[0]: VICTIM_TEXT})
    victim_body = officer.answer_body(victim_token, victim_sig, victim_sealed)
    first = officer.post("answers", victim_body)
    assert first.status_code == 201

    assert [_replay(collecting, victim_sealed) for _ in range(2)] == [
        (409, "answer_duplicate"),
        (409, "answer_duplicate"),
    ]
    # The victim's own identical retry still gets its receipt.
    again = officer.post("answers", victim_body)
    assert again.status_code == 201 and again.json == first.json
    # Only one answer is stored, and no attacker token was spent by the refused attempts.
    round_id = collecting.round.id
    assert _count(session, SealedAnswer, round_id) == 1
    assert _count(session, SpentToken, round_id) == 1

    for answer in SAMPLE_ANSWERS[:6]:
        collecting.submit(answer)
    close(app, session, collecting.round, secretary)
    # After close the victim's identical retry still gets its receipt; a replay is refused.
    assert officer.post("answers", victim_body).json == first.json
    unseal(app, session, collecting.round, collecting.parts)
    texts = session.scalars(select(OpinionItem.text).where(OpinionItem.round_id == round_id))
    assert [t for t in texts if "加班不公平" in t] == [VICTIM_TEXT]


def test_replay_refusals_follow_the_protocol_order(collecting: Collecting) -> None:
    """403 before 409, token_spent before answer_duplicate (DESIGN.md section 6)."""
    officer = collecting.officer
    token, signature = officer.obtain_token(collecting.codes.pop(0))
    sealed = officer.sealed({collecting.section_ids[0]: "第一份"})
    assert officer.post("answers", officer.answer_body(token, signature, sealed)).status_code == 201

    other_token, other_sig = officer.obtain_token(collecting.codes.pop(0))
    forged = other_sig[:-1] + bytes([other_sig[-1] ^ 1])  # below n, whatever the bytes
    refused = officer.post("answers", officer.answer_body(other_token, forged, sealed))
    assert (refused.status_code, refused.json["error"]) == (403, "bad_signature")
    # The spent token with other bytes is token_spent, even when those bytes are a duplicate.
    third_token, third_sig = officer.obtain_token(collecting.codes.pop(0))
    third_sealed = officer.sealed({collecting.section_ids[0]: "第三份"})
    assert (
        officer.post(
            "answers", officer.answer_body(third_token, third_sig, third_sealed)
        ).status_code
        == 201
    )
    spent = officer.post("answers", officer.answer_body(token, signature, third_sealed))
    assert (spent.status_code, spent.json["error"]) == (409, "token_spent")
    # The refused attacker token is still good for an answer of its own.
    own = officer.sealed({collecting.section_ids[0]: "第二份"})
    assert (
        officer.post("answers", officer.answer_body(other_token, other_sig, own)).status_code == 201
    )


def test_concurrent_replays_store_the_answer_once(tmp_path: Path) -> None:
    """Twelve tokens race to store the same sealed bytes on a real server: one wins."""
    with fresh_database(tmp_path, "replay") as url:
        app = committed_app(url, tmp_path)
        try:
            with serve(app) as base:
                live = live_round(app, base, participants=12)
                tokens = [live.token(code) for code in live.codes]
                sealed = live.sealed(VICTIM_TEXT)
                results = all_at_once([lambda t=t: live.answer(t[0], t[1], sealed) for t in tokens])
            assert sorted(status for status, _ in results) == [201] + [409] * 11, results
            assert {reply.get("error") for status, reply in results if status == 409} == {
                "answer_duplicate"
            }
            with app.app_context():
                assert db.session.scalar(select(func.count()).select_from(SealedAnswer)) == 1
                assert db.session.scalar(select(func.count()).select_from(SpentToken)) == 1
        finally:
            with app.app_context():
                db.engine.dispose()
