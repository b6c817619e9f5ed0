"""The read model of a round's summary: one query function, plain dataclasses out.

Views, exports and the command line all read the summary through :func:`build_summary`, so they
show the same thing in the same order: sections in form order, themes by size then heading,
items by content. When the round has categories, each section's themes come category by
category (in the round's order, 未归类 last) and ``SectionView.categories`` holds that level.
Nothing is ordered by arrival, and nothing is broken down by who wrote what or by participant
category: items carry no person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis import normalise
from survey.models import OpinionItem, Round, Section, Theme
from survey.rounds.categories import category_names
from survey.rounds.clock import configured_timezone, local_date
from survey.rounds.invitations import reissue_count, shown_again_count, used_count
from survey.rounds.labels import POST_LABELS_ZH
from survey.rounds.requirements import current_invitations, required_answers


@dataclass(frozen=True)
class ItemView:
    id: str
    text: str
    channel: str
    day: date | None
    status: str
    # The committee changed the text (shown as 已编辑; the original is not kept).
    edited: bool = False


@dataclass(frozen=True)
class ThemeView:
    """A theme with its active items; ``id`` None is the group of items not in any theme."""

    id: str | None
    heading: str
    machine_label: str
    keywords: tuple[str, ...]
    representative: str | None
    items: tuple[ItemView, ...]
    merged: tuple[tuple[str, str], ...] = ()
    # The round category the theme is under; None: not categorised (or no categories).
    category: str | None = None

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class CategoryView:
    """One of the round's categories in a section; ``name`` None: the themes no category took."""

    name: str | None
    themes: tuple[ThemeView, ...]

    @property
    def count(self) -> int:
        return sum(theme.count for theme in self.themes)


@dataclass(frozen=True)
class SectionView:
    id: int
    key: str
    kind: str
    title: str
    themes: tuple[ThemeView, ...]
    # Duplicates and items set aside: kept, shown apart, restorable.
    inactive: tuple[ItemView, ...] = ()
    # For a section about one committee member: their posts and name (「书记张明」).
    member: str = ""
    # The themes by round category (empty when the round has none), the same themes in order.
    categories: tuple[CategoryView, ...] = ()

    @property
    def count(self) -> int:
        return sum(theme.count for theme in self.themes)


@dataclass(frozen=True)
class RoundFacts:
    """Counts and days of a round. Answers are known only after close."""

    title: str
    branch: str
    state: str
    invited: int
    invitations_used: int
    reissues: int
    answers: int | None
    min_answers: int
    required: int
    unreadable: int | None
    unknown_section_texts: int | None
    created_on: date | None
    opened_on: date | None
    closed_on: date | None
    unsealed_on: date | None
    deadline_day: date | None
    items: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    # Showings of invitation codes after they were handed out (survey/rounds/showing.py).
    codes_shown_again: int = 0


@dataclass(frozen=True)
class Summary:
    round_id: str
    facts: RoundFacts
    sections: tuple[SectionView, ...]
    query: str = ""
    # The round's categories, in order (empty: the summary has no category level).
    category_names: tuple[str, ...] = ()

    @property
    def themes(self) -> list[ThemeView]:
        return [theme for section in self.sections for theme in section.themes]


def round_facts(round_: Round, items: list[OpinionItem] | None = None) -> RoundFacts:
    """The facts shown above the summary; answer counts only once the round has closed."""
    closed = round_.state not in ("draft", "opening", "collecting")
    active = [item for item in items or [] if item.status == "active"]
    deadline = round_.deadline
    return RoundFacts(
        title=round_.title,
        branch=round_.branch.name,
        state=round_.state,
        invited=len(current_invitations(round_)),
        invitations_used=used_count(round_),
        reissues=reissue_count(round_),
        codes_shown_again=shown_again_count(round_),
        answers=round_.answers_at_close if closed else None,
        min_answers=round_.min_answers,
        required=required_answers(round_),
        unreadable=round_.unreadable_answers,
        unknown_section_texts=round_.unknown_section_texts,
        created_on=round_.created_on,
        opened_on=round_.opened_on,
        closed_on=round_.closed_on,
        unsealed_on=round_.unsealed_on,
        deadline_day=local_date(deadline, configured_timezone()) if deadline else None,
        items=len(active),
        channels=dict(sorted(Counter(item.channel for item in active).items())),
    )


def build_summary(session: Session, round_: Round, query: str = "") -> Summary:
    """The whole summary of a round, optionally only the items containing ``query``."""
    items = list(session.scalars(select(OpinionItem).where(OpinionItem.round_id == round_.id)))
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_.id))}
    needle = normalise(query).strip().casefold() if query.strip() else ""
    names = category_names(round_)
    sections = []
    for section in round_.sections:
        in_section = [item for item in items if item.section_id == section.id]
        shown = [item for item in in_section if not needle or needle in item.text.casefold()]
        if needle and not shown:
            continue
        categories = _by_category(_theme_views(themes, section.id, shown), names)
        sections.append(
            SectionView(
                id=section.id,
                key=section.key,
                kind=section.kind,
                title=section.title,
                themes=tuple(theme for group in categories for theme in group.themes),
                inactive=tuple(_view(i) for i in _ordered(shown) if i.status != "active"),
                member=_member(section),
                categories=categories if names else (),
            )
        )
    facts = round_facts(round_, items)
    return Summary(round_.public_id, facts, tuple(sections), needle, names)


def _by_category(views: tuple[ThemeView, ...], names: tuple[str, ...]) -> tuple[CategoryView, ...]:
    """The themes by category, in the round's order, the themes of no category last (the
    items outside any theme last of all); without categories, one group of every theme."""
    groups: dict[str | None, list[ThemeView]] = {}
    for view in views:
        groups.setdefault(view.category if view.category in names else None, []).append(view)
    ordered = [CategoryView(name, tuple(groups[name])) for name in names if name in groups]
    if None in groups:
        ordered.append(CategoryView(None, tuple(groups[None])))
    return tuple(ordered)


def _member(section: Section) -> str:
    if section.member is None:
        return ""
    posts = "、".join(POST_LABELS_ZH.get(post, post) for post in section.member.post_names)
    return f"{posts}{section.member.name}"


def root_theme(themes: dict[str, Theme], theme_id: str | None) -> Theme | None:
    """The theme an item shows under: follows merges to the theme not merged any further
    (None for a theme the committee made and then undid)."""
    seen: set[str] = set()
    theme = themes.get(theme_id) if theme_id else None
    while theme is not None and theme.merged_into_id and theme.id not in seen:
        seen.add(theme.id)
        theme = themes.get(theme.merged_into_id)
    return None if theme is None or theme.removed else theme


def _theme_views(
    themes: dict[str, Theme], section_id: int, items: list[OpinionItem]
) -> tuple[ThemeView, ...]:
    grouped: dict[str | None, list[OpinionItem]] = {}
    for item in items:
        if item.status != "active":
            continue
        root = root_theme(themes, item.theme_id)
        key = root.id if root is not None and root.section_id == section_id else None
        grouped.setdefault(key, []).append(item)
    views = [_theme_view(themes.get(key) if key else None, themes, grouped[key]) for key in grouped]
    named = sorted((v for v in views if v.id), key=lambda v: (-v.count, v.heading, v.id or ""))
    return tuple(named + [v for v in views if v.id is None])


def _theme_view(
    theme: Theme | None, themes: dict[str, Theme], items: list[OpinionItem]
) -> ThemeView:
    ordered = tuple(_view(item) for item in _ordered(items))
    if theme is None:
        return ThemeView(None, "", "", (), None, ordered)
    by_id = {item.id: item for item in ordered}
    chosen = by_id.get(theme.representative_id or "")
    representative = chosen.text if chosen else (ordered[0].text if ordered else None)
    merged = tuple(
        sorted(
            (other.id, other.heading)
            for other in themes.values()
            if other.merged_into_id == theme.id
        )
    )
    return ThemeView(
        theme.id,
        theme.heading,
        theme.machine_label,
        tuple(theme.keywords or ()),
        representative,
        ordered,
        merged,
        theme.category,
    )


def _ordered(items: list[OpinionItem]) -> list[OpinionItem]:
    """By content: the text, then channel and day (never by id or storage order alone)."""
    return sorted(items, key=lambda i: (i.text, i.channel, i.day or date.min, i.id))


def _view(item: OpinionItem) -> ItemView:
    return ItemView(item.id, item.text, item.channel, item.day, item.status, bool(item.edited))
