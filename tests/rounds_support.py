"""Building rounds for tests through the real services, and a Python officer client.

Registered as a pytest plugin in tests/conftest.py for its ``open_round`` fixture.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.crypto import blindrsa, seal
from survey.models import Branch, Invitation, Member, Round, User
from survey.rounds import drafts, invitations, opening
from survey.rounds.clock import utcnow
from survey.rounds.wire import b64u_decode, b64u_encode
from tests.factories import bind_custodians, log_in

TEST_SECRET = b"test-secret-key-not-for-production-0123456789"
# A part of the opening code as the part pages show it.
PART_ON_PAGE = re.compile(r'id="part"><code>([0-9A-Z-]+)</code>')


def code_of(invitation: Invitation) -> str:
    """An invitation's code, decrypted with the tests' app secret.

    Tests act as the officer who received the slip; this is not a showing to staff, which goes
    through survey.rounds.showing and is counted.
    """
    return invitations.code_of(invitation.round, invitation, TEST_SECRET)


def codes_of(round_: Round) -> list[str]:
    """The codes of the invitations in force (replaced ones keep no readable code)."""
    return [code_of(i) for i in round_.invitations if i.code_sealed is not None]


def make_collecting_round(
    app: Flask,
    session: Session,
    branch: Branch,
    secretary: User,
    second: User,
    members: list[Member],
    **settings: Any,
) -> tuple[Round, tuple[str, str]]:
    """A round opened by both custodians, collecting, with ``members`` as participants.

    Custodian accounts not yet bound to a roster member get a member of their own (the
    round could not open otherwise).
    """
    bind_custodians(session, secretary, second)
    with app.app_context():
        round_ = drafts.create_round(
            session,
            branch,
            secretary,
            drafts.DraftSettings(
                title=settings.pop("title", "2026年度民主生活会征求意见"),
                custodian2=second,
                **settings,
            ),
            now=utcnow(),
        )
        drafts.set_participants(session, round_, members)
        parts = opening.open_round_at_once(session, round_, TEST_SECRET, now=utcnow())
        session.flush()
    return round_, parts


@dataclass
class OfficerClient:
    """Speaks the wire protocol of DESIGN.md section 6 from Python, like a phone would."""

    client: FlaskClient
    round_id: str
    keys: dict[str, Any] = field(default_factory=dict)

    def fetch_keys(self) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/rounds/{self.round_id}/keys")
        assert response.status_code == 200, response.json
        self.keys = response.json
        return self.keys

    def public_key(self) -> Any:
        return blindrsa.load_public_spki(b64u_decode(self.keys["token_key"]["spki"]))

    def obtain_token(self, code: str) -> tuple[bytes, bytes]:
        """(input_msg, signature) for an invitation code."""
        if not self.keys:
            self.fetch_keys()
        pk = self.public_key()
        input_msg = blindrsa.prepare(blindrsa.build_token_message(self.round_id))
        blinded = blindrsa.blind(pk, input_msg)
        response = self.post(
            "tokens", {"invitation": code, "blinded_msg": b64u_encode(blinded.blinded_msg)}
        )
        assert response.status_code == 200, response.json
        signature = blindrsa.finalize(
            pk, input_msg, b64u_decode(response.json["blind_sig"]), blinded.inv
        )
        return input_msg, signature

    def sealed(self, answers: dict[str, str]) -> bytes:
        if not self.keys:
            self.fetch_keys()
        public = b64u_decode(self.keys["seal_key"]["public"])
        return seal.seal_answer(public, answers, self.round_id)

    def answer_body(self, token: bytes, signature: bytes, sealed: bytes) -> dict[str, str]:
        return {
            "token": b64u_encode(token),
            "signature": b64u_encode(signature),
            "sealed": b64u_encode(sealed),
        }

    def post(self, endpoint: str, body: Any, **kw: Any) -> Any:
        return self.client.post(f"/api/v1/rounds/{self.round_id}/{endpoint}", json=body, **kw)


@pytest.fixture
def open_round(
    app: Flask,
    session: Session,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> Round:
    """A collecting round with six participants (张警官0 … 张警官5), opened by both custodians."""
    members = [make_member(f"张警官{i}") for i in range(6)]
    round_, _parts = make_collecting_round(app, session, branch, secretary, committee_user, members)
    return round_


def open_round_at_once(session: Session, round_: Round) -> tuple[str, str]:
    """Both custodian steps for a draft round (a consultation too), with the tests' secret."""
    parts = opening.open_round_at_once(session, round_, TEST_SECRET, now=utcnow())
    session.flush()
    return parts


def open_both_steps(
    app: Flask, as_secretary: FlaskClient, second: User, round_id: str
) -> tuple[str, str]:
    """Open a draft on the web: custodian 1 (``as_secretary``) and ``second`` each receive
    and re-type their part; returns (part 1, part 2)."""
    shown = as_secretary.post(f"/secretary/rounds/{round_id}/open")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    part1 = PART_ON_PAGE.search(shown.data.decode()).group(1)
    confirmed = as_secretary.post(
        f"/secretary/rounds/{round_id}/confirm-part", data={"typed": part1.lower()}
    )
    assert confirmed.status_code == 302
    other = app.test_client()
    assert log_in(other, second.username).status_code == 302
    shown2 = other.post(f"/committee/rounds/{round_id}/part")
    part2 = PART_ON_PAGE.search(shown2.data.decode()).group(1)
    done = other.post(
        f"/committee/rounds/{round_id}/confirm-part", data={"typed": part2.replace("-", " ")}
    )
    assert done.status_code == 302
    return part1, part2
