"""The committee's edits of a summary: every one logged with before and after, and undoable.

An edit is a list of field changes on themes and items. It is applied, then written to the
round's log as a ``summary_edited`` event whose detail holds the changes; undoing it applies the
"before" values, provided nothing changed them since, and is logged the same way. Items are
never deleted: a duplicate or an item set aside keeps its text and can be restored.

The log names items by id, never copies their text: the changes page shows an item's current
text, so a redaction (survey/summary/redaction.py) leaves no copy of the old text behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import OpinionItem, Round, RoundEvent, Section, Theme, User
from survey.models.summary import ITEM_STATUSES
from survey.rounds.errors import WrongState
from survey.rounds.log import log_event

MAX_LABEL = 200
# Edits that cannot be undone: a text edit keeps no original (survey/summary/redaction.py).
IRREVERSIBLE = ("edit_text",)
# Which fields an edit may change, per kind of record.
EDITABLE = {
    "theme": ("label", "merged_into_id", "removed", "category"),
    "item": ("section_id", "theme_id", "status"),
}


class EditConflict(Conflict):
    """The summary changed since; this edit cannot be undone as it stands."""

    code = "edit_conflict"


@dataclass(frozen=True)
class Change:
    kind: str  # "theme" or "item"
    id: str
    field: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }


def require_summarising(round_: Round) -> None:
    if round_.state != "summarising":
        raise WrongState(_("The summary can be edited only after unseal, before it is published."))


def find_theme(session: Session, round_: Round, theme_id: str) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.round_id != round_.id:
        raise NotFound(_("No such theme in this round."))
    return theme


def find_item(session: Session, round_: Round, item_id: str) -> OpinionItem:
    item = session.get(OpinionItem, item_id)
    if item is None or item.round_id != round_.id:
        raise NotFound(_("No such item in this round."))
    return item


def rename_theme(
    session: Session,
    round_: Round,
    theme: Theme,
    label: str,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """A new heading for a theme; an empty one goes back to the machine label."""
    require_summarising(round_)
    new = " ".join(label.split())[:MAX_LABEL] or None
    if new == theme.machine_label:
        new = None
    if new == theme.label:
        raise InvalidInput(_("The theme already has this heading."))
    change = Change("theme", theme.id, "label", theme.label, new)
    return record(
        session,
        round_,
        "rename_theme",
        [change],
        actor=actor,
        now=now,
        before_label=theme.heading,
        after_label=new or theme.machine_label,
    )


def merge_themes(
    session: Session,
    round_: Round,
    source: Theme,
    target: Theme,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Show ``source``'s items under ``target`` (same section); the merge can be undone."""
    require_summarising(round_)
    if source.id == target.id or source.section_id != target.section_id:
        raise InvalidInput(_("Choose another theme of the same section."))
    if source.merged_into_id or target.merged_into_id:
        raise InvalidInput(_("That theme is already merged into another one."))
    change = Change("theme", source.id, "merged_into_id", None, target.id)
    return record(
        session,
        round_,
        "merge_themes",
        [change],
        actor=actor,
        now=now,
        source=source.heading,
        target=target.heading,
    )


def unmerge_theme(
    session: Session, round_: Round, theme: Theme, *, actor: User | None, now: datetime
) -> RoundEvent:
    """Separate a merged theme again: its items show under it once more."""
    require_summarising(round_)
    if not theme.merged_into_id:
        raise InvalidInput(_("This theme is not merged into another one."))
    change = Change("theme", theme.id, "merged_into_id", theme.merged_into_id, None)
    return record(
        session, round_, "unmerge_theme", [change], actor=actor, now=now, theme=theme.heading
    )


def set_theme_category(
    session: Session,
    round_: Round,
    theme: Theme,
    category: str | None,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Put a theme under another of the round's categories, or under none (未归类)."""
    from survey.rounds.categories import category_names

    require_summarising(round_)
    names = category_names(round_)
    if not names:
        raise InvalidInput(_("This round has no categories."))
    if category is not None and category not in names:
        raise InvalidInput(_("Choose one of the round's categories."))
    if theme.merged_into_id or theme.removed:
        raise InvalidInput(_("Change the category of the theme this one is merged into."))
    if category == theme.category:
        raise InvalidInput(_("The theme is already in this category."))
    change = Change("theme", theme.id, "category", theme.category, category)
    return record(
        session,
        round_,
        "set_theme_category",
        [change],
        actor=actor,
        now=now,
        theme=theme.heading,
        before_category=theme.category,
        after_category=category,
    )


def move_item(
    session: Session,
    round_: Round,
    item: OpinionItem,
    section: Section,
    theme: Theme | None,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Put an item under another theme, or another section (in one of its themes, or none)."""
    require_summarising(round_)
    if section.round_id != round_.id:
        raise NotFound(_("No such section in this round."))
    if theme is not None and (theme.section_id != section.id or theme.merged_into_id):
        raise InvalidInput(_("Choose a theme of that section that is not merged."))
    theme_id = theme.id if theme is not None else None
    if (item.section_id, item.theme_id) == (section.id, theme_id):
        raise InvalidInput(_("The item is already there."))
    changes = [Change("item", item.id, "theme_id", item.theme_id, theme_id)]
    if item.section_id != section.id:
        changes.insert(0, Change("item", item.id, "section_id", item.section_id, section.id))
    return record(
        session,
        round_,
        "move_item",
        changes,
        actor=actor,
        now=now,
        section=section.title,
        theme=theme.heading if theme else None,
    )


def set_item_status(
    session: Session,
    round_: Round,
    item: OpinionItem,
    status: str,
    *,
    actor: User | None,
    now: datetime,
) -> RoundEvent:
    """Mark an item a duplicate, set it aside, or restore it (``active``). Never deleted."""
    require_summarising(round_)
    if status not in ITEM_STATUSES:
        raise InvalidInput(_("Unknown item status."))
    if status == item.status:
        raise InvalidInput(_("The item already has this status."))
    change = Change("item", item.id, "status", item.status, status)
    return record(session, round_, "set_item_status", [change], actor=actor, now=now)


def undo_edit(
    session: Session, round_: Round, event: RoundEvent, *, actor: User | None, now: datetime
) -> RoundEvent:
    """Apply an edit's "before" values, if nothing changed them since; logged as an edit too."""
    require_summarising(round_)
    if event.round_id != round_.id or event.kind != "summary_edited":
        raise NotFound(_("No such change in this round."))
    if event.detail.get("action") == "undo" or event.id in undone_ids(session, round_):
        raise InvalidInput(_("This change was already undone."))
    if event.detail.get("action") in IRREVERSIBLE:
        raise InvalidInput(_("A text edit cannot be undone: the original text is not kept."))
    recorded = event.detail.get("changes")
    changes = [Change(**raw) for raw in recorded] if isinstance(recorded, list) else []
    for change in changes:
        if _current(session, change) != change.after:
            raise EditConflict(_("The summary changed since; undo the later changes first."))
    reverse = [Change(c.kind, c.id, c.field, c.after, c.before) for c in reversed(changes)]
    return record(
        session,
        round_,
        "undo",
        reverse,
        actor=actor,
        now=now,
        undoes=event.id,
        undone_action=event.detail.get("action"),
    )


def edit_events(session: Session, round_: Round) -> list[RoundEvent]:
    """The summary's edits, latest first (the log of round events, not of answers)."""
    return list(
        session.scalars(
            select(RoundEvent)
            .where(RoundEvent.round_id == round_.id, RoundEvent.kind == "summary_edited")
            .order_by(RoundEvent.id.desc())
        )
    )


def item_ids(event: RoundEvent) -> set[str]:
    """The items an edit names: in its changes, or (a text edit) as its ``item``."""
    found: set[str] = set()
    changes = event.detail.get("changes")
    for change in changes if isinstance(changes, list) else ():
        if isinstance(change, dict) and change.get("kind") == "item":
            found.add(str(change.get("id")))
    item = event.detail.get("item")
    if isinstance(item, str):
        found.add(item)
    return found


def undone_ids(session: Session, round_: Round) -> set[int]:
    undone: set[int] = set()
    for event in edit_events(session, round_):
        target = event.detail.get("undoes")
        if event.detail.get("action") == "undo" and isinstance(target, int):
            undone.add(target)
    return undone


def record(
    session: Session,
    round_: Round,
    action: str,
    changes: list[Change],
    *,
    actor: User | None,
    now: datetime,
    **detail: Any,
) -> RoundEvent:
    for change in changes:
        _apply(session, change)
    event = log_event(
        session,
        round_,
        "summary_edited",
        actor=actor,
        now=now,
        action=action,
        changes=[c.as_json() for c in changes],
        **detail,
    )
    session.flush()
    return event


def _target(session: Session, change: Change) -> Theme | OpinionItem:
    if change.field not in EDITABLE.get(change.kind, ()):
        raise InvalidInput(f"not an editable field: {change.kind}.{change.field}")
    record: Theme | OpinionItem | None = (
        session.get(Theme, change.id)
        if change.kind == "theme"
        else session.get(OpinionItem, change.id)
    )
    if record is None:
        raise EditConflict(_("The summary changed since; this change cannot be undone."))
    return record


def _current(session: Session, change: Change) -> Any:
    return getattr(_target(session, change), change.field)


def _apply(session: Session, change: Change) -> None:
    record_ = _target(session, change)
    _check_references(session, change)
    setattr(record_, change.field, change.after)


def _check_references(session: Session, change: Change) -> None:
    """Never point an item or a merge at a removed theme, nor remove a theme still in use."""
    conflict = _("The summary changed since; undo the later changes first.")
    if change.field in ("theme_id", "merged_into_id") and change.after is not None:
        theme = session.get(Theme, change.after)
        if theme is None or theme.removed:
            raise EditConflict(conflict)
    if change.kind == "theme" and change.field == "removed" and change.after:
        session.flush()
        in_use = session.scalar(
            select(OpinionItem.id).where(OpinionItem.theme_id == change.id).limit(1)
        ) or session.scalar(select(Theme.id).where(Theme.merged_into_id == change.id).limit(1))
        if in_use is not None:
            raise EditConflict(conflict)
