"""Unsealed rounds for the committee tests: built through the real API, the form and the CLI.

Registered as a pytest plugin in tests/conftest.py, so its fixtures (``english``, ``members``,
``collecting``) serve every module; modules that read English messages use ``english``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import (
    CATEGORIES,
    Branch,
    Invitation,
    Member,
    OpinionItem,
    Round,
    SealedAnswer,
    User,
)
from survey.rounds import lifecycle
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_decode
from tests.rounds_support import OfficerClient, code_of, make_collecting_round

# The committed-database test rewrites storage itself; elsewhere the rolled-back test
# transaction holds the database, so a VACUUM would only wait for it.
NO_REWRITE = pytest.mark.settings(REWRITE_STORAGE_AFTER_UNSEAL=False)


@pytest.fixture
def english(client: FlaskClient) -> None:
    """Pages in English, so the tests read the messages as written in the code."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@dataclass
class Collecting:
    round: Round
    parts: tuple[str, str]
    officer: OfficerClient
    codes: list[str]
    section_ids: list[str]

    def submit(self, answers: dict[int, str]) -> str:
        """Obtain a token with the next unused code and send ``answers`` (by section index)."""
        token, signature = self.officer.obtain_token(self.codes.pop(0))
        keyed = {self.section_ids[i]: value for i, value in answers.items()}
        return self.send(token, signature, self.officer.sealed(keyed))

    def submit_sealed(self, sealed: bytes) -> str:
        token, signature = self.officer.obtain_token(self.codes.pop(0))
        return self.send(token, signature, sealed)

    def send(self, token: bytes, signature: bytes, sealed: bytes) -> str:
        response = self.officer.post("answers", self.officer.answer_body(token, signature, sealed))
        assert response.status_code == 201, response.json
        return str(response.json["receipt"])

    def seal_public(self) -> bytes:
        return b64u_decode(self.officer.fetch_keys()["seal_key"]["public"])


def start_round(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    second: User,
    members: list[Member],
    **settings: Any,
) -> Collecting:
    round_, parts = make_collecting_round(
        app, session, branch, secretary, second, members, **settings
    )
    invitations = session.scalars(select(Invitation).where(Invitation.round_id == round_.id))
    codes = [code_of(i) for i in invitations if i.code_sealed is not None]
    officer = OfficerClient(client, round_.public_id)
    sections = [s["id"] for s in officer.fetch_keys()["sections"]]
    return Collecting(round_, parts, officer, codes, sections)


def in_english(app: Flask) -> Any:
    """A request context in English, for services whose refusals the tests read."""
    return app.test_request_context(headers={"Accept-Language": "en"})


def close(app: Flask, session: Session, round_: Round, actor: User) -> None:
    with app.app_context():
        session.refresh(round_)
        lifecycle.close_round(session, round_, actor, now=utcnow())
        session.flush()


def unseal(app: Flask, session: Session, round_: Round, parts: tuple[str, str]) -> Any:
    with app.app_context():
        report = unseal_round(session, round_, *parts, now=utcnow(), actor=None)
        session.flush()
    return report


# Realistic answers: several points per answer, in traditional script and full width too.
SAMPLE_ANSWERS: list[dict[int, str]] = [
    {0: "1. 值班安排要更合理，夜班后应保证休息\n2. 业务培训太少，希望每季度组织一次"},
    {0: "值班表经常临时调整，影响家庭安排", 1: "希望书记多到基层所队走访，听取民警意见"},
    {0: "（一）执法培训形式单一（二）值班备勤室条件差，需要改善"},
    {0: "業務培訓應該結合實戰案例", 2: "支部活动要结合业务工作，少搞形式"},
    {0: "夜間值班人手不足，警力配置要優化；輔警培訓也需要加強管理"},
    {1: "ＡＢＣ书记在会上多听取不同意见", 2: "其他：食堂伙食可以改善"},
    {0: "值班补休制度落实不到位"},
]


def build_unsealed(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    second: User,
    members: list[Member],
    answers: list[dict[int, str]] = SAMPLE_ANSWERS,
    while_collecting: Callable[[Round], object] | None = None,
) -> Round:
    """A round unsealed through the real API and the unseal service; ``while_collecting`` runs
    once it collects, before the answers arrive (a setting the secretary changes then)."""
    collecting = start_round(app, session, client, branch, secretary, second, members)
    if while_collecting is not None:
        while_collecting(collecting.round)
    for answer in answers:
        collecting.submit(answer)
    close(app, session, collecting.round, secretary)
    unseal(app, session, collecting.round, collecting.parts)
    session.refresh(collecting.round)
    return collecting.round


# --- fixtures of this module --------------------------------------------------------------


def make_branch_people(make_member: Callable[..., Member]) -> list[Member]:
    """Two committee members (each gets a section of the form) and twelve officers to invite."""
    make_member("张明", posts=("secretary",))
    make_member("李强", posts=("discipline",))
    return [make_member(f"民警{i}", category=CATEGORIES[i % 3]) for i in range(12)]


@pytest.fixture
def members(make_member: Callable[..., Member]) -> list[Member]:
    return make_branch_people(make_member)


@pytest.fixture
def collecting(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
) -> Collecting:
    return start_round(app, session, client, branch, secretary, committee_user, members)


def closed_with(
    app: Flask, session: Session, collecting: Collecting, secretary: User, n: int
) -> Collecting:
    for i in range(n):
        collecting.submit(SAMPLE_ANSWERS[i % len(SAMPLE_ANSWERS)])
    close(app, session, collecting.round, secretary)
    return collecting


def give_part(client: FlaskClient, round_id: str, typed: str) -> Any:
    """One custodian gives their own part on their own page (survey/custodian/views.py)."""
    return client.post(f"/custodian/rounds/{round_id}/unseal", data={"typed": typed})


def custodian_clients(app: Flask, round_: Round) -> tuple[FlaskClient, FlaskClient]:
    """Custodian 1 and custodian 2, each logged in in their own browser."""
    from tests.factories import log_in

    clients = []
    for user in (round_.custodian1, round_.custodian2):
        assert user is not None
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        assert log_in(client, user.username).status_code == 302
        clients.append(client)
    return clients[0], clients[1]


def post_unseal(app: Flask, round_: Round, part1: str, part2: str) -> Any:
    """Unseal as the web does it: custodian 1 gives ``part1``, then custodian 2 ``part2``, each
    in their own login. Returns the second response (or the first, when it was refused)."""
    first_client, second_client = custodian_clients(app, round_)
    first = give_part(first_client, round_.public_id, part1)
    if first.status_code != 302:
        return first
    return give_part(second_client, round_.public_id, part2)


def sealed_count(session: Session, round_: Round) -> int:
    return len(
        session.scalars(select(SealedAnswer).where(SealedAnswer.round_id == round_.id)).all()
    )


# --- the happy path --------------------------------------------------------------------------


def kendall_tau(values: list[int]) -> float:
    """Rank correlation of ``values`` with their positions: 1 sorted, -1 reversed, 0 none."""
    n = len(values)
    concordant = sum(
        1 if values[i] < values[j] else -1
        for i in range(n)
        for j in range(i + 1, n)
        if values[i] != values[j]
    )
    return concordant / (n * (n - 1) / 2)


def assert_unchanged(session: Session, round_: Round, sealed: int) -> None:
    session.expire_all()
    assert round_.state == "closed"
    assert round_.seal_key_wrapped is not None
    assert sealed_count(session, round_) == sealed
    assert not session.scalars(select(OpinionItem).where(OpinionItem.round_id == round_.id)).all()


@pytest.fixture
def unsealed(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    members: list[Member],
) -> Round:
    return build_unsealed(app, session, client, branch, secretary, committee_user, members)
