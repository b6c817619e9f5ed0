"""Unsealing in two sessions (DESIGN.md section 3, "One person, two parts").

Each custodian gives their own part in their own login. What the server keeps of the first part
lives in the database, encrypted under the app secret and bound to its expiry, so any worker can
take the second part and a database copy alone recovers nothing. The attacks are performed here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from survey import create_app
from survey.crypto import keywrap
from survey.crypto.errors import KeyUnwrapFailed
from survey.extensions import db
from survey.models import OpinionItem, RoundEvent, UnsealPart, User
from survey.rounds.clock import utcnow
from survey.rounds.unseal_parts import PartRefused, Waiting, give_unseal_part, pending_part
from tests.conftest import base_settings
from tests.factories import log_in
from tests.rounds_support import TEST_SECRET
from tests.unseal_support import (
    NO_REWRITE,
    Collecting,
    closed_with,
    custodian_clients,
    give_part,
    in_english,
)

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


@pytest.fixture
def closed(app: Flask, session: Session, collecting: Collecting, secretary: User) -> Collecting:
    return closed_with(app, session, collecting, secretary, 5)


def kept(session: Session, closed: Collecting) -> UnsealPart | None:
    session.expire_all()
    return session.scalar(select(UnsealPart).where(UnsealPart.round_id == closed.round.id))


def items(session: Session, closed: Collecting) -> list[OpinionItem]:
    return list(
        session.scalars(select(OpinionItem).where(OpinionItem.round_id == closed.round.id))
    )


def test_first_part_waits_then_the_second_opens(
    app: Flask, session: Session, closed: Collecting
) -> None:
    first, second = custodian_clients(app, closed.round)
    rid = closed.round.public_id
    response = give_part(first, rid, closed.parts[0])
    assert response.status_code == 302
    page = first.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your part is kept, encrypted, until" in page
    assert 'name="typed"' not in page  # not asked again; it can be withdrawn
    assert kept(session, closed) is not None and not items(session, closed)

    # Custodian 2's landing page says their part is awaited.
    home = second.get("/").get_data(as_text=True)
    assert f"/custodian/rounds/{rid}/unseal" in home and "gave their part" in home

    done = give_part(second, rid, closed.parts[1])
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/committee/rounds/{rid}")
    assert kept(session, closed) is None, "the kept part is deleted when it is used"
    assert items(session, closed)
    given = session.scalars(
        select(RoundEvent).where(
            RoundEvent.round_id == closed.round.id, RoundEvent.kind == "unseal_part_given"
        )
    ).all()
    assert sorted(e.detail["custodian"] for e in given) == [1, 2]
    assert all(set(e.detail) == {"custodian"} for e in given), "no part data in the log"


def test_attack_one_account_gives_both_parts(
    app: Flask, session: Session, closed: Collecting
) -> None:
    """Custodian 1 holds both parts (or captured the other): their account cannot give part 2."""
    first, _second = custodian_clients(app, closed.round)
    rid = closed.round.public_id
    assert give_part(first, rid, closed.parts[0]).status_code == 302
    refused = give_part(first, rid, closed.parts[1])
    assert refused.status_code == 400
    assert "You are custodian 1: type your own part" in refused.get_data(as_text=True)
    assert not items(session, closed)
    # Giving part 1 again does not count as the second part either.
    again = give_part(first, rid, closed.parts[0])
    assert again.status_code == 400 and "already kept" in again.get_data(as_text=True)
    assert not items(session, closed)


def test_attack_the_other_part_from_the_same_login_is_refused(
    app: Flask, session: Session, closed: Collecting
) -> None:
    """The second part must come from another login session than the first."""
    first, second = custodian_clients(app, closed.round)
    rid = closed.round.public_id
    assert give_part(first, rid, closed.parts[0]).status_code == 302
    with first.session_transaction() as one, second.session_transaction() as two:
        two["login"] = one["login"]
    refused = give_part(second, rid, closed.parts[1])
    assert refused.status_code == 400
    assert "cannot be given from one browser" in refused.get_data(as_text=True)
    assert not items(session, closed) and kept(session, closed) is not None


def test_only_the_round_custodians_give_parts(
    app: Flask,
    session: Session,
    closed: Collecting,
    make_user: Callable[..., User],
) -> None:
    make_user("zuzhi", roles=("committee",))
    other = app.test_client()
    assert log_in(other, "zuzhi").status_code == 302
    assert other.get(f"/custodian/rounds/{closed.round.public_id}/unseal").status_code == 403
    assert give_part(other, closed.round.public_id, closed.parts[0]).status_code == 403
    assert kept(session, closed) is None


def test_the_kept_part_is_never_plaintext_and_a_database_copy_cannot_open_it(
    app: Flask, session: Session, closed: Collecting
) -> None:
    first, _second = custodian_clients(app, closed.round)
    part1 = closed.parts[0]
    give_part(first, closed.round.public_id, part1.lower())
    row = kept(session, closed)
    assert row is not None
    stored = b"".join(
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
        for v in (row.id, row.sealed, row.login_mark, row.browser_mark or b"", row.expires_at)
    )
    for form in (part1, part1.replace("-", ""), part1.lower(), part1.lower().replace("-", "")):
        assert form.encode() not in stored
    # Whoever holds the database but not the app secret recovers nothing.
    with pytest.raises(KeyUnwrapFailed):
        keywrap.open_bytes(row.sealed, b"a guessed or wrong app secret", b"svy-unseal-part-v1\x00")


def test_an_edited_expiry_does_not_open(
    app: Flask, session: Session, closed: Collecting
) -> None:
    """The expiry is bound into the encryption: a row made to live longer is unreadable."""
    first, second = custodian_clients(app, closed.round)
    rid = closed.round.public_id
    give_part(first, rid, closed.parts[0])
    row = kept(session, closed)
    assert row is not None
    session.execute(
        update(UnsealPart)
        .where(UnsealPart.id == row.id)
        .values(expires_at=row.expires_at + timedelta(days=1))
    )
    session.flush()
    refused = give_part(second, rid, closed.parts[1])
    assert refused.status_code == 400
    assert "cannot be read" in refused.get_data(as_text=True)
    assert not items(session, closed)


def test_a_kept_part_expires(app: Flask, session: Session, closed: Collecting) -> None:
    round_ = closed.round
    now = utcnow()
    with in_english(app):
        first = give_unseal_part(
            session, round_, round_.custodian1, closed.parts[0], TEST_SECRET,
            login_id="one", now=now, ttl=timedelta(minutes=15),
        )
        assert isinstance(first, Waiting)
        later = now + timedelta(minutes=16)
        assert pending_part(session, round_, now=later) is None
        # Custodian 2's part now waits in turn: the expired part 1 does not open anything.
        second = give_unseal_part(
            session, round_, round_.custodian2, closed.parts[1], TEST_SECRET,
            login_id="two", now=later,
        )
        assert isinstance(second, Waiting) and second.number == 2
    assert not items(session, closed)


def test_withdrawing_a_part(app: Flask, session: Session, closed: Collecting) -> None:
    first, _second = custodian_clients(app, closed.round)
    rid = closed.round.public_id
    give_part(first, rid, closed.parts[0])
    assert first.post(f"/custodian/rounds/{rid}/withdraw").status_code == 302
    assert kept(session, closed) is None
    assert session.scalars(
        select(RoundEvent).where(RoundEvent.kind == "unseal_part_withdrawn")
    ).all()


def test_any_worker_takes_the_second_part(
    app: Flask,
    session: Session,
    closed: Collecting,
    database_url: str,
    session_factory: sessionmaker[Session],
    tmp_path: Any,
) -> None:
    """Nothing is held in one process: a second app instance completes the unseal."""
    other_worker = create_app(
        {**base_settings(database_url), "REWRITE_STORAGE_AFTER_UNSEAL": False},
        instance_path=str(tmp_path / "worker2"),
    )
    db.bind_session(other_worker, session_factory)
    first, _ = custodian_clients(app, closed.round)
    _, second = custodian_clients(other_worker, closed.round)
    give_part(first, closed.round.public_id, closed.parts[0])
    done = give_part(second, closed.round.public_id, closed.parts[1])
    assert done.status_code == 302
    assert items(session, closed)


def test_the_same_custodian_twice_is_a_domain_refusal(
    app: Flask, session: Session, closed: Collecting
) -> None:
    round_ = closed.round
    with in_english(app):
        give_unseal_part(
            session, round_, round_.custodian1, closed.parts[0], TEST_SECRET,
            login_id="one", now=utcnow(),
        )
        with pytest.raises(PartRefused):
            give_unseal_part(
                session, round_, round_.custodian1, closed.parts[0], TEST_SECRET,
                login_id="another", now=utcnow(),
            )


def test_round_page_shows_where_unsealing_stands(
    app: Flask, session: Session, closed: Collecting, client: FlaskClient, secretary: User
) -> None:
    first, _ = custodian_clients(app, closed.round)
    give_part(first, closed.round.public_id, closed.parts[0])
    log_in(client, secretary.username)
    page = client.get(f"/committee/rounds/{closed.round.public_id}").get_data(as_text=True)
    assert "(custodian 1) gave their part; it is kept until" in page
    assert 'name="part2"' not in page, "no form takes both parts on the web"


def test_attack_both_parts_from_one_browser(
    app: Flask, session: Session, closed: Collecting
) -> None:
    """One browser, two logins: the browser's device cookie tells it is the same machine."""
    round_ = closed.round
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert round_.custodian1 is not None and round_.custodian2 is not None
    assert log_in(browser, round_.custodian1.username).status_code == 302
    assert give_part(browser, round_.public_id, closed.parts[0]).status_code == 302
    browser.post("/auth/logout")
    assert log_in(browser, round_.custodian2.username).status_code == 302
    refused = give_part(browser, round_.public_id, closed.parts[1])
    assert refused.status_code == 400
    assert "cannot be given from one browser" in refused.get_data(as_text=True)
    assert not items(session, closed)
