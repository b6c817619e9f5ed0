"""The unsealed summary: opinion items and the themes they are grouped under.

An item is one point of one answer (or of a paper form or a talk typed in by the secretary). It
carries no person, no time and no order: its id is random and, on SQLite, the table is stored
WITHOUT ROWID keyed by that id, so the storage order is the order of random values, not of
arrival (DESIGN.md section 3). Everything shown or exported is ordered by section, theme and
content.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.models.base import Base, random_id
from survey.models.rounds import Round, Section

# survey: an answer sealed through the web form; paper: 书面征求意见表; talk: 个别谈话.
CHANNELS = ("survey", "paper", "talk")
# Items are never deleted: a duplicate or an item set aside stays, and can be restored.
ITEM_STATUSES = ("active", "duplicate", "set_aside")
ITEM_ID_LENGTH = 20


def random_item_id() -> str:
    """A random id (about 103 bits): never time-ordered, so it says nothing about arrival."""
    return random_id(ITEM_ID_LENGTH)


class Theme(Base):
    """A group of items within one section, computed at unseal and edited by the committee."""

    __tablename__ = "themes"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=random_item_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    # The committee's heading; None shows the machine label.
    label: Mapped[str | None] = mapped_column(String(200))
    machine_label: Mapped[str] = mapped_column(String(200), default="")
    # Words behind the machine label (each used by at least two items).
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # An item id; not a foreign key (items also point here). Checked when read.
    representative_id: Mapped[str | None] = mapped_column(String(24))
    # A merged theme keeps its items; they are shown under the theme it was merged into, and
    # clearing this undoes the merge.
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("themes.id"))
    # The name of the round's category the theme is under; None: not categorised (未归类).
    category: Mapped[str | None] = mapped_column(String(20))
    # A theme the committee made and then undid: kept (the log points at it), never shown.
    removed: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship()
    section: Mapped[Section] = relationship()

    @property
    def heading(self) -> str:
        return self.label or self.machine_label


class OpinionItem(Base):
    """One opinion item: normalised text, its section, theme, channel and status. No person."""

    __tablename__ = "opinion_items"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=random_item_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(10), default="survey")
    # Only for items from other channels, and only the day.
    day: Mapped[date | None] = mapped_column(Date)
    theme_id: Mapped[str | None] = mapped_column(ForeignKey("themes.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # The committee changed the text (a redaction, a correction); the original is not kept.
    edited: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[Round] = relationship()
    section: Mapped[Section] = relationship()
    theme: Mapped[Theme | None] = relationship()
