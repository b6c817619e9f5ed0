"""The branch roster: officers, their Party category and committee posts. Members never log in."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.accounts import Branch
from survey.models.base import Base, random_id

CATEGORIES = ("party_member", "probationary", "non_member")
# Committee posts in their conventional order of precedence; many branches also elect a youth
# member (青年委员) and a secrecy member (保密委员) to the committee.
POSTS = (
    "secretary",
    "deputy_secretary",
    "organization",
    "publicity",
    "discipline",
    "youth",
    "secrecy",
)


class Member(Base):
    """One officer on the roster (党员, 预备党员 or 非党员)."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_id)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Tells namesakes apart, e.g. a unit or badge number.
    note: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(20), default="party_member")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    branch: Mapped[Branch] = relationship()
    posts: Mapped[list[CommitteePost]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    @property
    def post_names(self) -> list[str]:
        """This member's posts in order of precedence."""
        held = {p.post for p in self.posts}
        return [p for p in POSTS if p in held]

    @property
    def on_committee(self) -> bool:
        return bool(self.posts)


class CommitteePost(Base):
    """A committee post held by one member; the primary key keeps each post to one member."""

    __tablename__ = "committee_posts"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    post: Mapped[str] = mapped_column(String(30), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)

    member: Mapped[Member] = relationship(back_populates="posts")
