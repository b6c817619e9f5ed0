"""After unseal and after discard, a copy of the database holds no sealed bytes and no arrival
order (DESIGN.md section 3, "Storage after unseal, and after discard").

Each test is the attack: copy the storage (the SQLite file and its write-ahead log byte for
byte; on PostgreSQL every file of the database, page by page, plus ``xmin`` and the physical
order of the rows) and look for the sealed bytes, the wrapped key, the retry hashes, and the
order in which invitations were used and answers arrived. Answers were sent 0, 1, 2 … with the
invitations used in an order far from their id order (first, last, second …), so either order
would show if it survived. Rows fill a page from its end, so a page holds them in reverse: the
checks measure rank correlation, which is ±1 for an order that survived, in either direction.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select, text

from survey.models import Invitation, OpinionItem, Round, RoundEvent, UnsealPart
from tests.conftest import on_postgres
from tests.storage_support import (
    Committed,
    assert_no_sealed_data,
    assert_wal_empty,
    blinded_hashes,
    collect,
    committee_client,
    fragments,
    marker,
    round_state,
    unseal_through_the_form,
    wrapped_key_fragment,
)
from tests.unseal_support import kendall_tau

ANSWERS = 12


def stored_order(storage: bytes, needles: dict[int, bytes]) -> list[int]:
    """The keys of ``needles`` in the order their (single) copies lie in the storage."""
    for key, needle in needles.items():
        assert storage.count(needle) == 1, (key, storage.count(needle))
    return [key for key, _ in sorted(needles.items(), key=lambda kv: storage.index(kv[1]))]


def distinct_xmins(committed: Committed, table: str, round_id: str) -> int:
    with committed.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    f"SELECT count(DISTINCT t.xmin::text) FROM {table} t"  # noqa: S608 - a table name of the test
                    " JOIN rounds r ON r.id = t.round_id WHERE r.public_id = :r"
                ),
                {"r": round_id},
            ).scalar_one()
        )


def test_no_sealed_bytes_remain_in_the_database_file(committed: Committed) -> None:
    collected = collect(committed, ANSWERS)
    key_fragment = wrapped_key_fragment(committed, collected.round_id)
    hashes = [hashlib.sha256(s).digest() for s in collected.sealed]
    before = committed.read_storage()
    # The check can fail: the fragments are there while the round is closed.
    assert all(any(f in before for f in fragments(s)) for s in collected.sealed)
    assert key_fragment in before
    assert any(h in before for h in hashes)

    page = unseal_through_the_form(committed, collected)
    assert "Unsealed:" in page and "Storage rewrite pending" not in page

    after = committed.read_storage()
    assert_no_sealed_data(after, collected.sealed, key_fragment)
    assert "值班编号".encode() in after  # the items themselves are there, as expected
    assert_wal_empty(committed)
    assert round_state(committed, collected.round_id) == ("summarising", False)


def test_no_arrival_order_in_the_database_file(committed: Committed) -> None:
    collected = collect(committed, ANSWERS)
    unseal_through_the_form(committed, collected)
    storage = committed.read_storage()
    order = stored_order(storage, {i: marker(i) for i in range(ANSWERS)})
    assert sorted(order) == list(range(ANSWERS))
    # Answers were sent 0, 1, 2 …; a random order of 12 has |tau| > 0.7 with p < 1e-3.
    assert abs(kendall_tau(order)) < 0.7, order
    with committed.engine.connect() as connection:
        if on_postgres():
            for table in ("opinion_items", "spent_tokens", "invitations"):
                assert distinct_xmins(committed, table, collected.round_id) == 1, table
        else:
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'opinion_items'")
            ).scalar()
            assert "WITHOUT ROWID" in str(sql)
        assert connection.execute(select(OpinionItem.id)).all()


def test_the_order_invitations_were_used_in_is_gone(committed: Committed) -> None:
    """The attack on ``invitations``: whose token came first, read from row order or xmin."""
    collected = collect(committed, ANSWERS)
    hashes = blinded_hashes(committed, collected.round_id)
    assert list(hashes) != collected.used_order
    if on_postgres():
        # While closed, xmin still orders the invitations as they were used: the attack works.
        with committed.engine.connect() as connection:
            rows = connection.execute(
                select(Invitation.id, text("invitations.xmin::text::bigint"))
                .where(Invitation.id.in_(collected.used_order))
                .order_by(text("2"))
            ).all()
        assert [row[0] for row in rows] == collected.used_order

    unseal_through_the_form(committed, collected)

    storage = committed.read_storage()
    assert_not_in_use_order(stored_order(storage, hashes), collected.used_order)
    if on_postgres():
        assert distinct_xmins(committed, "invitations", collected.round_id) == 1


def assert_not_in_use_order(stored: list[int], used_order: list[int]) -> None:
    """Rows lie by id (given at open), not by use: the use positions show no correlation."""
    positions = [used_order.index(invitation_id) for invitation_id in stored]
    assert abs(kendall_tau(positions)) < 0.5, positions


def test_discard_leaves_no_sealed_bytes_and_no_order(committed: Committed) -> None:
    collected = collect(committed, ANSWERS, invited=2 * ANSWERS, min_answers=ANSWERS + 1)
    key_fragment = wrapped_key_fragment(committed, collected.round_id)
    hashes = blinded_hashes(committed, collected.round_id)
    before = committed.read_storage()
    assert all(any(f in before for f in fragments(s)) for s in collected.sealed)

    client = committee_client(committed, "shuji")
    response = client.post(f"/secretary/rounds/{collected.round_id}/discard")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "The round was discarded" in page

    after = committed.read_storage()
    assert_no_sealed_data(after, collected.sealed, key_fragment)
    assert_not_in_use_order(stored_order(after, hashes), collected.used_order)
    assert_wal_empty(committed)
    assert round_state(committed, collected.round_id) == ("discarded", False)
    if on_postgres():
        for table in ("spent_tokens", "invitations"):
            assert distinct_xmins(committed, table, collected.round_id) == 1, table
    with committed.engine.connect() as connection:
        kinds = connection.scalars(
            select(RoundEvent.kind)
            .join(Round)
            .where(Round.public_id == collected.round_id)
            .order_by(RoundEvent.id)
        ).all()
    assert kinds[-2:] == ["discarded", "storage_rewritten"]


def test_the_first_custodians_kept_part_is_gone_after_unseal(committed: Committed) -> None:
    """The first part waits in the database, encrypted, until the second arrives; afterwards a
    copy of the database holds no trace of it (nor of the login and browser marks)."""
    collected = collect(committed, ANSWERS)
    first = committee_client(committed, "shuji")
    kept = first.post(
        f"/custodian/rounds/{collected.round_id}/unseal", data={"typed": collected.parts[0]}
    )
    assert kept.status_code == 302
    with committed.engine.connect() as connection:
        row = connection.execute(select(UnsealPart.sealed, UnsealPart.login_mark)).one()
    traces = [bytes(row.sealed)[8:40], bytes(row.login_mark)]
    before = committed.read_storage()
    assert all(trace in before for trace in traces)

    second = committee_client(committed)
    done = second.post(
        f"/custodian/rounds/{collected.round_id}/unseal", data={"typed": collected.parts[1]}
    )
    assert done.status_code == 302

    after = committed.read_storage()
    assert not any(trace in after for trace in traces)
    assert round_state(committed, collected.round_id) == ("summarising", False)
