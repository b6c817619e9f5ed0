"""No index repeats the leading columns of another index or key of its table.

Such an index answers no lookup the longer one does not, and costs a write per row inserted
(``ix_spent_tokens_round_id`` did, on every answer, beside the UNIQUE (round_id, sealed_hash)).
"""

from __future__ import annotations

from sqlalchemy import Index, PrimaryKeyConstraint, Table, UniqueConstraint

from survey.models import Base


def keys_of(table: Table) -> list[tuple[str, tuple[str, ...]]]:
    """Every index, unique constraint and primary key of the table, with its columns."""
    found = [(str(i.name), tuple(c.name for c in i.columns)) for i in table.indexes]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
            found.append((str(constraint.name), tuple(c.name for c in constraint.columns)))
    return found


def redundant_indexes(table: Table) -> list[str]:
    """Plain indexes whose columns lead another index or key of the same table."""
    keys = keys_of(table)
    plain = [(str(i.name), tuple(c.name for c in i.columns)) for i in table.indexes if not i.unique]
    return sorted(
        name
        for name, columns in plain
        for other, longer in keys
        if other != name and len(longer) > len(columns) and longer[: len(columns)] == columns
    )


def test_no_index_repeats_the_start_of_another() -> None:
    found = {
        name: redundant
        for name, table in Base.metadata.tables.items()
        if (redundant := redundant_indexes(table))
    }
    assert found == {}


def test_the_check_finds_a_redundant_index() -> None:
    table = Base.metadata.tables["spent_tokens"].to_metadata(Base.metadata.__class__())
    Index("ix_spent_tokens_round_id", table.c.round_id)
    assert redundant_indexes(table) == ["ix_spent_tokens_round_id"]
