"""Meeting topics for tests: an unsealed answer round, and phones answering a consultation.

Everything goes through the real services and the real wire protocol (DESIGN.md section 6).
Registered as a pytest plugin in tests/conftest.py for the ``answered`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.crypto.responses import Response, seal_responses
from survey.models import Invitation, Round, Topic, TopicResponse, TopicVersion, User
from survey.rounds.clock import utcnow
from survey.rounds.wire import b64u_decode
from survey.topics import drafting, publishing
from tests.rounds_support import OfficerClient, code_of, open_round_at_once
from tests.unseal_support import close, unseal

TOPICS = [
    drafting.TopicSpec(
        title="值班备勤制度",
        problem="夜班后休息得不到保证，值班表临时调整多",
        outcome="形成固定的值班轮换和补休办法",
    ),
    drafting.TopicSpec(
        title="业务培训",
        problem="培训次数少、形式单一",
        outcome="每季度一次结合实战案例的培训",
    ),
]


@dataclass
class Consulting:
    """A collecting consultation, its opening-code parts and a phone for each participant."""

    consultation: Round
    parts: tuple[str, str]
    officer: OfficerClient
    codes: list[str]

    def respond(self, responses: dict[str, tuple[str, str]], comment: str = "") -> str:
        """One participant obtains a token and sends sealed responses; the receipt."""
        token, signature = self.officer.obtain_token(self.codes.pop(0))
        keys = self.officer.keys
        public = b64u_decode(keys["seal_key"]["public"])
        sealed = seal_responses(
            public,
            {k: Response(stance, text) for k, (stance, text) in responses.items()},
            comment,
            self.consultation.public_id,
        )
        reply = self.officer.post("answers", self.officer.answer_body(token, signature, sealed))
        assert reply.status_code == 201, reply.json
        return str(reply.json["receipt"])


@pytest.fixture
def answered(unsealed: Round) -> Round:
    """The answer round the topics start from: unsealed through the API (unseal_support)."""
    return unsealed


def consulting_of(
    app: Flask, session: Session, client: FlaskClient, consultation: Round, *, fetch: bool = True
) -> Consulting:
    """A just published consultation, opened by both custodians, with a phone and the codes.

    ``fetch=False`` leaves the phone's first request (``officer.fetch_keys()``) to the caller:
    a test on a committed database commits first, outside the app context it opened in."""
    with app.test_request_context():
        parts = open_round_at_once(session, consultation)
    invitations = session.scalars(
        select(Invitation).where(Invitation.round_id == consultation.id)
    ).all()
    codes = [code_of(i) for i in invitations if i.code_sealed is not None]
    officer = OfficerClient(client, consultation.public_id)
    if fetch:
        officer.fetch_keys()
    return Consulting(consultation, parts, officer, codes)


def publish(
    app: Flask,
    session: Session,
    client: FlaskClient,
    round_: Round,
    specs: list[drafting.TopicSpec],
    *,
    fetch: bool = True,
) -> Consulting:
    """Set the draft, publish it and open its consultation with both custodians."""
    with app.test_request_context():
        drafting.set_topics(session, round_, specs, None, now=utcnow())
        consultation = publishing.publish_version(
            session, round_, None, deadline=None, now=utcnow()
        )
        session.flush()
    return consulting_of(app, session, client, consultation, fetch=fetch)


def finish(app: Flask, session: Session, consulting: Consulting, actor: User) -> None:
    close(app, session, consulting.consultation, actor)
    with app.test_request_context():
        unseal(app, session, consulting.consultation, consulting.parts)


def topic_keys(version: TopicVersion) -> list[str]:
    return [t.key for t in version.topics]


def responses(session: Session, consultation: Round) -> list[TopicResponse]:
    return list(
        session.scalars(
            select(TopicResponse).where(TopicResponse.consultation_id == consultation.id)
        )
    )


def topics_of(session: Session, version_id: int) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.version_id == version_id)))
