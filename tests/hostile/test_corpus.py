"""The hostile corpus (corpus.py): every request is refused with a 4xx and a clear message,
and changes nothing in the database; on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import logging

import pytest

from tests.hostile.corpus import CORPUS, Hostile
from tests.hostile.support import World, refusal_problems, send


def test_the_corpus_is_large_and_covers_every_kind_of_request() -> None:
    assert len(CORPUS) >= 200
    assert all(400 <= entry.status < 500 for entry in CORPUS)
    assert {entry.actor for entry in CORPUS} == {"anonymous", "secretary", "jijian", "admin"}
    assert {entry.method for entry in CORPUS} == {"GET", "POST"}


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda entry: entry.name)
def test_hostile_request_is_refused_and_changes_nothing(
    undo: World, hostile: Hostile, caplog: pytest.LogCaptureFixture
) -> None:
    before = undo.snapshot()
    with caplog.at_level(logging.WARNING, logger="survey.errors"):
        response = send(undo, hostile)
    assert refusal_problems(hostile, response) == [], response.get_data()[:2000]
    assert undo.snapshot() == before, "the database changed"
    # The database's own refusal is a safety net: the checks before it must catch everything.
    assert not [r.getMessage() for r in caplog.records if r.name == "survey.errors"]
