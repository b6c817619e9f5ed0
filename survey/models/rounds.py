"""Collection rounds: their sections, invitations, custodians and log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.accounts import Branch, User
from survey.models.base import Base, random_id
from survey.models.roster import Member

# draft → opening (first custodian has a part) → collecting → closed → summarising → …;
# closed below the minimum → discarded.
ROUND_STATES = (
    "draft",
    "opening",
    "collecting",
    "closed",
    "summarising",
    "consulting",
    "final",
    "discarded",
)
SECTION_KINDS = ("team", "member", "other")
# An answer round collects opinions; a consultation collects responses to one published version
# of the meeting topics (DESIGN.md section 6, "Consultations") with the same machinery.
ROUND_KINDS = ("answers", "consultation")
DEFAULT_MIN_ANSWERS = 5
LOWEST_MIN_ANSWERS = 3


class Round(Base):
    """One solicitation of opinions before a democratic life meeting."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_id)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    # UTC; None means open until closed by hand.
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    min_answers: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_ANSWERS)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    kind: Mapped[str] = mapped_column(String(20), default="answers")
    # A consultation belongs to its answer round and to one version of the topics.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    custodian1_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    custodian2_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The round's categories, the summary's first level, in order: ``{"name": …, "words": […]}``
    # (survey/rounds/categories.py). Empty: themes only. Round settings, never per person.
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    created_on: Mapped[date] = mapped_column(Date)
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    unsealed_on: Mapped[date | None] = mapped_column(Date)

    # Keys (DESIGN.md section 3). The token private key is wrapped under the app secret and
    # destroyed (set to None) at close; the sealing private key is wrapped under the opening code.
    token_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_key_spki: Mapped[bytes | None] = mapped_column(LargeBinary)
    seal_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    pending_opening: Mapped[bytes | None] = mapped_column(LargeBinary)
    seal_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # First custodian confirmed their part but the second has not yet received theirs.
    part1_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    part2_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    # Filled at close and at unseal; never while collecting.
    answers_at_close: Mapped[int | None] = mapped_column(Integer)
    unreadable_answers: Mapped[int | None] = mapped_column(Integer)
    unknown_section_texts: Mapped[int | None] = mapped_column(Integer)
    # Set in the unseal or discard transaction, cleared once the database storage has been
    # rewritten (survey/rounds/storage.py): while set, old pages may still hold sealed bytes.
    storage_rewrite_pending: Mapped[bool] = mapped_column(Boolean, default=False)

    branch: Mapped[Branch] = relationship()
    parent: Mapped[Round | None] = relationship(remote_side=[id])
    custodian1: Mapped[User | None] = relationship(foreign_keys=[custodian1_id])
    custodian2: Mapped[User | None] = relationship(foreign_keys=[custodian2_id])
    sections: Mapped[list[Section]] = relationship(
        back_populates="round", order_by="Section.position", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )
    events: Mapped[list[RoundEvent]] = relationship(
        back_populates="round", order_by="RoundEvent.id", cascade="all, delete-orphan"
    )


class Section(Base):
    """One part of the form; the same for every participant."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("round_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))  # UNIQUE (round_id, key) serves
    # The id used in the wire protocol and the sealed plaintext.
    key: Mapped[str] = mapped_column(String(32), default=lambda: random_id(8))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default="team")
    title: Mapped[str] = mapped_column(String(200))
    # For a section about one committee member (the subject, not the writer).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    round: Mapped[Round] = relationship(back_populates="sections")
    member: Mapped[Member | None] = relationship()


class Invitation(Base):
    """A participant's personal invitation. Its use is recorded without any time."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # The code is made when the round opens and never stored in plaintext (DESIGN.md section 3,
    # survey/crypto/invitation_codes.py): a keyed hash under the app secret finds a typed code,
    # an encryption under the app secret lets the secretary show it again. Replaced by a new
    # invitation when reissued.
    code_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    code_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # How often the code was shown to staff: the first showing is its distribution, every later
    # one is written to the round's log and counted for the committee.
    times_shown: Mapped[int] = mapped_column(Integer, default=0)
    # Whether the participant held a committee post when the round opened (or when added late):
    # frozen, so later roster edits cannot move the minimum needed to unseal.
    on_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the blinded message signed, so a retry after a lost reply gets the same signature.
    blinded_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    added_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The secretary ticked 「已发送」 after pasting this person's message (a checklist, no time).
    message_sent: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship(back_populates="invitations")
    member: Mapped[Member] = relationship()


class RoundEvent(Base):
    """The round's log: round events only, never the moment a person obtained a token."""

    __tablename__ = "round_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    round: Mapped[Round] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
