"""A storage rewrite that cannot finish is never reported as done, stays visible, and is retried.

The attack: someone keeps reading the old storage while the committee unseals (on SQLite a
connection with an open read transaction pins the write-ahead log; on PostgreSQL any older
transaction on the server, in whatever database, keeps old row versions alive in a rewrite).
Before, the unseal said "Unsealed" and the old pages stayed. Now the unseal says the rewrite is
pending, the round page shows it with a button, and the retry (button or command) finishes it.
"""

from __future__ import annotations

import pytest

from tests.storage_support import (
    Committed,
    assert_no_sealed_data,
    assert_wal_empty,
    collect,
    committee_client,
    fragments,
    older_reader,
    round_state,
    unseal_through_the_form,
    wrapped_key_fragment,
)

ANSWERS = 6
QUICK = pytest.mark.settings(STORAGE_REWRITE_TIMEOUT=1)


@QUICK
def test_a_reader_of_the_old_storage_leaves_the_rewrite_pending_and_the_button_finishes_it(
    committed: Committed,
) -> None:
    collected = collect(committed, ANSWERS)
    key_fragment = wrapped_key_fragment(committed, collected.round_id)
    with older_reader(committed):
        page = unseal_through_the_form(committed, collected)
        # The old pages really are still there: reporting success would have been a lie.
        storage = committed.read_storage()
        assert any(f in storage for s in collected.sealed for f in fragments(s))
    assert "could not be rewritten yet" in page
    assert "Unsealed:" not in page
    assert "Storage rewrite pending" in page and "Rewrite the storage now" in page
    assert round_state(committed, collected.round_id) == ("summarising", True)

    committed.be_patient()
    client = committee_client(committed)
    response = client.post(f"/committee/rounds/{collected.round_id}/rewrite-storage")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "The storage was rewritten" in page and "Storage rewrite pending" not in page
    assert round_state(committed, collected.round_id) == ("summarising", False)
    assert_no_sealed_data(committed.read_storage(), collected.sealed, key_fragment)
    assert_wal_empty(committed)


@QUICK
def test_the_retry_button_fails_visibly_while_the_reader_stays(committed: Committed) -> None:
    collected = collect(committed, ANSWERS)
    with older_reader(committed):
        unseal_through_the_form(committed, collected)
        client = committee_client(committed)
        response = client.post(f"/committee/rounds/{collected.round_id}/rewrite-storage")
        page = client.get(response.headers["Location"]).data.decode()
    assert "could not be rewritten" in page and "Storage rewrite pending" in page
    assert round_state(committed, collected.round_id) == ("summarising", True)


@QUICK
def test_the_command_line_exits_75_and_rewrite_storage_finishes(committed: Committed) -> None:
    collected = collect(committed, ANSWERS)
    key_fragment = wrapped_key_fragment(committed, collected.round_id)
    runner = committed.app.test_cli_runner()
    with older_reader(committed):
        done = runner.invoke(
            args=["round", "unseal", collected.round_id], input=" ".join(collected.parts)
        )
    assert done.exit_code == 75, done.output
    assert "the answers are unsealed, but the storage was not rewritten" in done.output
    assert f"survey round rewrite-storage {collected.round_id}" in done.output
    assert "answers 6" not in done.output, "no success report before the rewrite"
    assert round_state(committed, collected.round_id) == ("summarising", True)

    committed.be_patient()
    again = runner.invoke(args=["round", "rewrite-storage", collected.round_id])
    assert again.exit_code == 0, again.output
    assert "storage rewritten" in again.output
    assert round_state(committed, collected.round_id) == ("summarising", False)
    assert_no_sealed_data(committed.read_storage(), collected.sealed, key_fragment)
    assert_wal_empty(committed)


@QUICK
def test_a_discard_that_cannot_rewrite_says_so_and_stays_pending(committed: Committed) -> None:
    collected = collect(committed, ANSWERS, invited=2 * ANSWERS, min_answers=ANSWERS + 1)
    runner = committed.app.test_cli_runner()
    with older_reader(committed):
        done = runner.invoke(args=["round", "discard", collected.round_id])
    assert done.exit_code == 75, done.output
    assert "the round is discarded, but the storage was not rewritten" in done.output
    assert round_state(committed, collected.round_id) == ("discarded", True)
    committed.be_patient()
    again = runner.invoke(args=["round", "discard", collected.round_id])
    assert again.exit_code == 0, again.output
    assert round_state(committed, collected.round_id) == ("discarded", False)
