"""The receipts board for people (/r/<round>): titled, and before close it tells when.

/r/<round>/board stays as programs read it (404 until close); the page for people never shows
a count or a receipt while the round collects (DESIGN.md section 3).
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Round
from survey.rounds.clock import utcnow
from survey.rounds.lifecycle import close_round
from tests.rounds_support import OfficerClient, code_of


def send_answer(client: FlaskClient, round_: Round) -> str:
    officer = OfficerClient(client, round_.public_id)
    token, signature = officer.obtain_token(code_of(round_.invitations[0]) or "")
    section = officer.keys["sections"][0]["id"]
    body = officer.answer_body(token, signature, officer.sealed({section: "值班安排要透明"}))
    reply = officer.post("answers", body)
    assert reply.status_code == 201
    return str(reply.get_json()["receipt"])


def test_before_close_the_page_says_when_and_shows_nothing_else(
    app: Flask, client: FlaskClient, open_round: Round, session: Session
) -> None:
    receipt = send_answer(client, open_round)
    assert client.get(f"/r/{open_round.public_id}/board").status_code == 404
    page = client.get(f"/r/{open_round.public_id}", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "set-cookie" not in page.headers
    html = page.get_data(as_text=True)
    assert open_round.title in html and "本轮结束后，回执会在这里公布。" in html
    assert receipt not in html and receipt[:16] not in html and "份回执" not in html
    close_round(session, open_round, None, now=utcnow())
    session.flush()
    html = client.get(f"/r/{open_round.public_id}?lang=en").get_data(as_text=True)
    assert f"<strong>{receipt[:16]}</strong>{receipt[16:]}" in html and "1 receipt" in html
    assert client.get(f"/r/{open_round.public_id}/board").data == f"{receipt}\n".encode()


def test_unknown_rounds_have_no_board_page(client: FlaskClient) -> None:
    assert client.get("/r/abcdefgh23456789").status_code == 404
    assert client.get("/r/NOT-AN-ID!").status_code == 404
