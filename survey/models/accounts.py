"""Branches and staff accounts. Officers have no account: they are roster members."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, random_id

if TYPE_CHECKING:
    from survey.models.roster import Member

ROLES = ("admin", "secretary", "committee", "superior")
# How a version of the topics may be finalised: with no objection at all (the default), or with
# every objection answered by an explanation (说明), which the export then says.
FINAL_MODES = ("strict", "explained")


class Branch(Base):
    """A Party branch (党支部)."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Meeting topics go to the superior Party organisation, whose approval finalising needs.
    topics_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    topics_final_mode: Mapped[str] = mapped_column(String(10), default="strict")

    users: Mapped[list[User]] = relationship(back_populates="branch")


# A superior account (上级党组织) is bound to one or more branches (a county bureau's Party
# committee over its stations).
superior_branches = Table(
    "superior_branches",
    Base.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("branch_id", ForeignKey("branches.id"), primary_key=True),
)


class User(Base):
    """A staff login: an administrator, a secretary or a committee member (roles may combine)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Space-separated subset of ROLES.
    role_names: Mapped[str] = mapped_column(String(100), default="")
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Stored in the session at login; raising it (password change or reset, deactivation)
    # ends every session opened before, even copies of the signed cookie kept elsewhere.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # The roster member this account belongs to: one member, one account (UNIQUE), so the two
    # custodians of a round are two people, not two accounts of one (DESIGN.md section 3).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)

    branch: Mapped[Branch | None] = relationship(back_populates="users")
    member: Mapped[Member | None] = relationship()
    # For a superior account: the branches whose reported topics it reads and answers.
    supervised: Mapped[list[Branch]] = relationship(secondary=superior_branches)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_names.split())

    @roles.setter
    def roles(self, value: set[str] | frozenset[str] | list[str]) -> None:
        unknown = set(value) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown role: {', '.join(sorted(unknown))}")
        self.role_names = " ".join(r for r in ROLES if r in value)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def label(self) -> str:
        """How the account is shown to people."""
        return self.display_name or self.username


class AccountNotice(Base):
    """An administrator's change to a custodian's account, kept until the custodian has seen it.

    Written only while the account holds a part of the opening code of a round that is open or
    waiting to be unsealed; the same change is written to each such round's log.
    """

    __tablename__ = "account_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    change: Mapped[str] = mapped_column(String(40))
    # The administrator's username (None: the command line), and the rounds concerned.
    actor: Mapped[str | None] = mapped_column(String(64))
    round_titles: Mapped[list[str]] = mapped_column(JSON, default=list)
    seen: Mapped[bool] = mapped_column(Boolean, default=False)
