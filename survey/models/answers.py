"""Sealed answers and spent tokens: no ids in time order, no time, nothing personal.

Both tables are keyed by random or hash values and, on SQLite, stored WITHOUT ROWID, so the
storage keeps no arrival order (DESIGN.md section 3).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary
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
    """A spent token, keyed by SHA-256(input_msg), which is also the receipt."""

    __tablename__ = "spent_tokens"
    __table_args__ = {"sqlite_with_rowid": False}

    spent_key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    # SHA-256 of the sealed bytes, to answer an identical retry; dropped at unseal.
    sealed_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
