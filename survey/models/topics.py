"""Meeting topics (议题): versions drafted from the summary, and the responses to them.

A version belongs to an answer round. While it is a draft the committee edits it; publishing
freezes it and opens its consultation (a Round of kind ``consultation``). A topic keeps its
``key`` from version to version when it is carried over, so changes are shown as a difference.

Responses are the consultation's unsealed content: like opinion items they carry no person, no
time and no order (random ids, WITHOUT ROWID on SQLite, written shuffled), and nothing links two
responses of one person, within a version or across versions.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.accounts import User
from survey.models.base import Base, random_id
from survey.models.roster import Member
from survey.models.rounds import Round
from survey.models.summary import random_item_id

STANCES = ("agree", "object", "suggest")
# 采纳 (with the change it causes), 部分采纳, 说明, 不属议题范围.
DISPOSITION_KINDS = ("adopted", "partly", "explained", "out_of_scope")
SUPERIOR_DECISIONS = ("approved", "changes")
TOPIC_KEY_LENGTH = 12


def random_topic_key() -> str:
    return random_id(TOPIC_KEY_LENGTH)


class TopicVersion(Base):
    """One version of a round's topic list: a draft, or published (then never changed)."""

    __tablename__ = "topic_versions"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))  # UNIQUE (round_id, number)
    number: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), unique=True)
    # Set when this version was finalised: "strict" or "explained" (DESIGN.md section 7).
    final_mode: Mapped[str | None] = mapped_column(String(10))
    # Reported to the superior Party organisation, and its reply.
    reported: Mapped[bool] = mapped_column(Boolean, default=False)
    superior_decision: Mapped[str | None] = mapped_column(String(10))
    superior_text: Mapped[str] = mapped_column(Text, default="")
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship(foreign_keys=[round_id])
    consultation: Mapped[Round | None] = relationship(foreign_keys=[consultation_id])
    superior: Mapped[User | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(
        back_populates="version", order_by="Topic.position", cascade="all, delete-orphan"
    )


class Topic(Base):
    """One topic of one version: the problem the meeting must solve and the result to reach."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("topic_versions.id"))  # UNIQUE (…, key)
    # The topic's id on the wire and in exports; kept when carried over to the next version.
    key: Mapped[str] = mapped_column(String(TOPIC_KEY_LENGTH), default=random_topic_key)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # Where it comes from: theme ids and item ids of the round's summary.
    theme_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    item_ids: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[TopicVersion] = relationship(back_populates="topics")
    owner: Mapped[Member | None] = relationship()


class TopicResponse(Base):
    """One response to one topic (or a general comment when ``topic_key`` is None). No person."""

    __tablename__ = "topic_responses"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=random_item_id)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    topic_key: Mapped[str | None] = mapped_column(String(TOPIC_KEY_LENGTH))
    # agree / object / suggest; "comment" for the general comment.
    stance: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    # The committee removed identifying details from the text (shown as such).
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    # For an objection: its recorded disposition. None until the committee records one.
    disposition_kind: Mapped[str | None] = mapped_column(String(20))
    disposition_text: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Round] = relationship()
