"""After a text edit, the old text is in no file of the database either (DESIGN.md §3 spirit:
what is removed is really removed). A committed database of the test's own (the ``committed``
fixture of tests/storage_support.py): the rolled-back transaction of the other tests never
reaches a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from survey.extensions import db
from survey.models import OpinionItem, Round, TopicResponse, User
from survey.rounds.clock import utcnow
from survey.rounds.storage import rewrite_pending
from survey.rounds.unseal import unseal_round
from tests.conftest import on_postgres
from tests.factories import log_in
from tests.storage_support import (
    Committed,
    collect,
    committee_client,
    older_reader,
    round_state,
)
from tests.topics_support import TOPICS, finish, publish

SECRET = "王建国那天值班喝了酒被我看见"
ANSWERS = [SECRET, *[f"业务培训太少，希望每季度组织{n}次培训" for n in range(1, 7)]]


def _unsealed_round(committed: Committed) -> str:
    """A round answered through the API, closed and unsealed; everything committed."""
    collected = collect(committed, len(ANSWERS), invited=len(ANSWERS) + 2, texts=ANSWERS)
    with committed.app.app_context():
        found = db.session.scalar(select(Round).where(Round.public_id == collected.round_id))
        assert found is not None
        unseal_round(db.session, found, *collected.parts, now=utcnow(), actor=None)
        db.session.commit()
        db.session.close()
    return collected.round_id


def test_the_old_text_is_in_no_database_file_after_a_text_edit(committed: Committed) -> None:
    app, read_storage = committed.app, committed.read_storage
    round_id = _unsealed_round(committed)
    with app.app_context():
        item_id = db.session.scalar(select(OpinionItem.id).where(OpinionItem.text == SECRET))
        db.session.close()
    assert item_id is not None
    client = app.test_client()
    assert log_in(client, "jijian").status_code == 302
    base = f"/committee/rounds/{round_id}"
    # Touch the item's row and the log a few times, so old versions exist to be left behind.
    for status in ("set_aside", "active"):
        assert client.post(f"{base}/items/{item_id}/status", data={"status": status}).status_code
    assert SECRET.encode() in read_storage()  # the search can find it

    response = client.post(f"{base}/items/{item_id}/text", data={"text": "有同志值班期间饮酒"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "could not be rewritten" not in page and "有同志值班期间饮酒" in page

    storage = read_storage()
    assert SECRET.encode() not in storage
    assert "王建国".encode() not in storage
    assert "有同志值班期间饮酒".encode() in storage
    if not on_postgres():
        wal = Path(str(make_url(app.config["DATABASE_URL"]).database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0


@pytest.mark.settings(STORAGE_REWRITE_TIMEOUT=1)
def test_a_text_edit_whose_rewrite_cannot_finish_stays_pending_and_the_button_finishes_it(
    committed: Committed,
) -> None:
    """The attack: someone keeps reading the old storage while the committee redacts. Before,
    the page asked for a VACUUM once and the round showed nothing; now the round stays marked,
    its page offers the rewrite, and the retry removes the old text from the files."""
    app, read_storage = committed.app, committed.read_storage
    round_id = _unsealed_round(committed)
    rewrite_pending(committed.engine)  # the unseal's own rewrite, done
    assert round_state(committed, round_id) == ("summarising", False)
    with app.app_context():
        item_id = db.session.scalar(select(OpinionItem.id).where(OpinionItem.text == SECRET))
        db.session.close()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert log_in(client, "jijian").status_code == 302
    base = f"/committee/rounds/{round_id}"
    with older_reader(committed):
        response = client.post(f"{base}/items/{item_id}/text", data={"text": "有同志值班期间饮酒"})
        page = client.get(response.headers["Location"]).data.decode()
    assert "could not be rewritten yet" in page
    assert round_state(committed, round_id) == ("summarising", True)
    assert "Storage rewrite pending" in client.get(base).data.decode()

    committed.be_patient()
    response = client.post(f"{base}/rewrite-storage")
    page = client.get(response.headers["Location"]).data.decode()
    assert "The storage was rewritten" in page and "Storage rewrite pending" not in page
    assert round_state(committed, round_id) == ("summarising", False)
    assert SECRET.encode() not in read_storage()


OBJECTION = "李卫东所长说值班表是他一个人定的"


def _redactable_response(committed: Committed) -> tuple[str, str]:
    """An unsealed answer round whose topics were published, consulted on through the phones'
    API, closed and unsealed, with the storage rewritten: the round's id and the id of the
    response that names a person. Each step commits, as the pages would."""
    app = committed.app
    round_id = _unsealed_round(committed)
    rewrite_pending(committed.engine)
    with app.app_context():
        found = db.session.scalar(select(Round).where(Round.public_id == round_id))
        assert found is not None
        consulting = publish(app, db.session, app.test_client(), found, TOPICS, fetch=False)
        db.session.commit()
        db.session.close()
    keys = [t["id"] for t in consulting.officer.fetch_keys()["topics"]]
    consulting.respond({keys[0]: ("object", OBJECTION), keys[1]: ("agree", "")})
    for _ in range(5):
        consulting.respond({keys[0]: ("agree", ""), keys[1]: ("agree", "")})
    with app.app_context():
        consulting.consultation = db.session.merge(consulting.consultation)
        secretary = db.session.scalar(select(User).where(User.username == "shuji"))
        assert secretary is not None
        finish(app, db.session, consulting, secretary)
        db.session.commit()
        response_id = db.session.scalar(
            select(TopicResponse.id).where(TopicResponse.text == OBJECTION)
        )
        db.session.close()
    assert response_id is not None
    rewrite_pending(committed.engine)
    return round_id, str(response_id)


def test_a_redacted_response_to_the_topics_is_in_no_database_file(committed: Committed) -> None:
    """The attack: a copy of the database taken after the committee removed a name from an
    objection. Before, the response's old row version stayed in the files (a dead tuple, a
    write-ahead log page) and the round was not marked; now the redaction marks the round and
    the storage is rewritten right after it."""
    round_id, response_id = _redactable_response(committed)
    assert OBJECTION.encode() in committed.read_storage()  # the search can find it
    client = committee_client(committed)
    response = client.post(
        f"/committee/rounds/{round_id}/topics/responses/{response_id}/redact",
        data={"text": "有同志说值班表由一人决定"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "could not be rewritten" not in page and "有同志说值班表由一人决定" in page
    storage = committed.read_storage()
    assert OBJECTION.encode() not in storage and "李卫东".encode() not in storage
    assert round_state(committed, round_id)[1] is False


@pytest.mark.settings(STORAGE_REWRITE_TIMEOUT=1)
def test_a_redaction_whose_rewrite_cannot_finish_stays_pending(committed: Committed) -> None:
    round_id, response_id = _redactable_response(committed)
    client = committee_client(committed)
    with older_reader(committed):
        response = client.post(
            f"/committee/rounds/{round_id}/topics/responses/{response_id}/redact",
            data={"text": "有同志说值班表由一人决定"},
        )
        page = client.get(response.headers["Location"]).data.decode()
    assert "could not be rewritten yet" in page
    assert round_state(committed, round_id)[1] is True
    assert "Storage rewrite pending" in client.get(f"/committee/rounds/{round_id}").data.decode()
    committed.be_patient()
    client.post(f"/committee/rounds/{round_id}/rewrite-storage")
    assert round_state(committed, round_id)[1] is False
    assert OBJECTION.encode() not in committed.read_storage()
