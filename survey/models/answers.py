"""Sealed answers and spent tokens: no ids in time order, no time, nothing personal.

Both tables are keyed by random or hash values and, on SQLite, stored WITHOUT ROWID, so the
storage keeps no arrival order (DESIGN.md section 3).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base


class SealedAnswer(Base):
    """One sealed answer, readable only with both parts of the opening code."""

    __tablename__ = "sealed_answers"
    __table_args__ = {"sqlite_with_rowid": False}

    # 16 random bytes: never time-ordered.
    id: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SpentToken(Base):
    """A spent token, keyed by SHA-256(input_msg), which is also the receipt.

    The hash of the sealed bytes is UNIQUE per round: the same sealed answer is accepted once,
    so nobody can mark one person's answer by replaying it under other tokens (DESIGN.md
    section 3, "Marking by replay"). The constraint decides, so two racing replays cannot both
    pass. NULLs (after unseal or discard) never collide.
    """

    __tablename__ = "spent_tokens"
    __table_args__ = (
        UniqueConstraint("round_id", "sealed_hash", name="uq_spent_tokens_round_sealed_hash"),
        {"sqlite_with_rowid": False},
    )

    spent_key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    # No index of its own: the UNIQUE (round_id, sealed_hash) key starts with round_id and serves
    # every lookup by round (one index write fewer per answer).
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    # SHA-256 of the sealed bytes, to answer an identical retry; dropped at unseal.
    sealed_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
