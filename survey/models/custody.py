"""What the server keeps of the first part of an opening code while the second is awaited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, random_id


class UnsealPart(Base):
    """The part one custodian gave for unsealing, until the other custodian gives theirs.

    Never plaintext: ``sealed`` is AES-256-GCM under a key derived from the app secret (not in the
    database) and bound to the round, the part number and ``expires_at`` (survey/rounds/
    unseal_parts.py, docs/crypto.md). One row per round at most; it is deleted when the second
    part arrives, when it is withdrawn, or when it is found expired.
    """

    __tablename__ = "unseal_parts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), unique=True)
    number: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # HMAC of the giver's login session (and browser, when known) under the app secret: the
    # second part must come from another login, not the one that gave the first.
    login_mark: Mapped[bytes] = mapped_column(LargeBinary(32))
    browser_mark: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    given_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
