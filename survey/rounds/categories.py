"""A round's categories: the summary's first level, set by the secretary before unseal.

A round may name categories (a preset of :mod:`survey.analysis.presets`, or its own lines
``名称：词 词 词``); at unseal the items of each section are placed under them and grouped into
themes inside each (:func:`survey.analysis.categories.group_in_categories`). They are settings
of the round, the same for everyone: nothing about who wrote what. Editable until unseal; a
change after the draft is written to the round's log, like the text for officers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from survey.analysis.presets import PRESETS, Category
from survey.models import Round, User
from survey.rounds.errors import InvalidRoundSettings, WrongState
from survey.rounds.log import log_event

MIN_CATEGORIES = 2
MAX_CATEGORIES = 12
MAX_NAME = 20
MAX_WORD = 20
MAX_WORDS = 60
# The label of the group of themes no category took; no category may be called so.
UNCATEGORISED_ZH = "未归类"
# States in which the categories may still change: they are used at unseal.
EDITABLE_STATES = ("draft", "opening", "collecting", "closed")
# The presets in the order the form offers them, with their names in the interface.
PRESET_LABELS = {
    "areas": _l("Team building / police work / branch work"),
    "five_buildings": _l("The five kinds of building"),
    "six_aspects": _l("The six aspects of the theme education"),
    "six_disciplines": _l("The six disciplines"),
    "four_winds": _l("The four undesirable work styles"),
}
_SEPARATORS = re.compile(r"[\s、，,；;]+")


@dataclass(frozen=True)
class CategoryChoice:
    """What the form sends: ``none``, ``custom`` (with ``lines``) or a key of the presets."""

    choice: str = "none"
    lines: str = ""


def round_categories(round_: Round) -> tuple[Category, ...]:
    """The round's categories, in order (empty: plain theme grouping)."""
    return tuple(
        Category(str(raw.get("name", "")), tuple(str(w) for w in raw.get("words") or ()))
        for raw in round_.categories or ()
        if isinstance(raw, dict) and raw.get("name")
    )


def category_names(round_: Round) -> tuple[str, ...]:
    return tuple(category.name for category in round_categories(round_))


def as_lines(categories: tuple[Category, ...]) -> str:
    """The categories as the form's lines ``名称：词 词 词``."""
    return "\n".join(
        f"{c.name}：{' '.join(c.words)}" if c.words else c.name for c in categories
    )


def preset_of(categories: tuple[Category, ...]) -> str | None:
    """The key of the preset these categories are, unchanged; None otherwise."""
    for key, preset in PRESETS.items():
        if tuple(preset) == categories:
            return key
    return None


def choice_of(round_: Round) -> CategoryChoice:
    """The form's values for the round as stored."""
    categories = round_categories(round_)
    if not categories:
        return CategoryChoice("none", "")
    return CategoryChoice(preset_of(categories) or "custom", as_lines(categories))


def parse_lines(text: str) -> tuple[Category, ...]:
    """Categories from lines ``名称：词 词 词`` (``:`` too; words split by spaces or 、，);
    refused with the line's number when a name is empty, too long, repeated or reserved."""
    categories: list[Category] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            category = _line_category(number, line)
            if category.name in {c.name for c in categories}:
                raise InvalidRoundSettings(
                    _(
                        "Line %(n)d: the category 「%(name)s」 is named twice.",
                        n=number,
                        name=category.name,
                    )
                )
            categories.append(category)
    return categories_checked(tuple(categories))


def _line_category(number: int, line: str) -> Category:
    """The category of one line, or a refusal naming the line."""
    name, _sep, words = line.replace(":", "：").partition("：")
    name = " ".join(name.split())
    problem = None
    if not name:
        problem = _("Line %(n)d: the category has no name.", n=number)
    elif len(name) > MAX_NAME:
        problem = _(
            "Line %(n)d: a category name has at most %(max)d characters.", n=number, max=MAX_NAME
        )
    elif name in (UNCATEGORISED_ZH, _("Not categorised")):
        problem = _(
            "Line %(n)d: 「%(name)s」 is kept for the items no category took.", n=number, name=name
        )
    cues = tuple(dict.fromkeys(w for w in _SEPARATORS.split(words) if w))
    if problem is None and (len(cues) > MAX_WORDS or any(len(w) > MAX_WORD for w in cues)):
        problem = _(
            "Line %(n)d: at most %(words)d cue words of at most %(max)d characters each.",
            n=number,
            words=MAX_WORDS,
            max=MAX_WORD,
        )
    if problem is not None:
        raise InvalidRoundSettings(problem)
    return Category(name, cues)


def categories_checked(categories: tuple[Category, ...]) -> tuple[Category, ...]:
    if len(categories) > MAX_CATEGORIES:
        raise InvalidRoundSettings(_("At most %(n)d categories.", n=MAX_CATEGORIES))
    if len(categories) < MIN_CATEGORIES:
        raise InvalidRoundSettings(
            _(
                "Give at least %(n)d categories, one per line, or choose no categories.",
                n=MIN_CATEGORIES,
            )
        )
    return categories


def resolve(choice: CategoryChoice) -> tuple[Category, ...]:
    """The categories a choice names; refused (see :func:`parse_lines`) when they are unsound."""
    if choice.choice == "none":
        return ()
    if choice.choice == "custom":
        return parse_lines(choice.lines)
    if choice.choice in PRESETS:
        return tuple(PRESETS[choice.choice])
    raise InvalidRoundSettings(_("Unknown set of categories."))


def stored(categories: tuple[Category, ...]) -> list[dict[str, Any]]:
    return [{"name": c.name, "words": list(c.words)} for c in categories]


def check_editable(round_: Round) -> None:
    if round_.kind == "consultation":
        raise WrongState(_("A consultation has no categories."))
    if round_.state not in EDITABLE_STATES:
        raise WrongState(_("The categories can be changed only until the answers are unsealed."))


def draft_categories(round_: Round, choice: CategoryChoice) -> tuple[Category, ...]:
    """The categories a draft's save would store, checked before anything of it is applied."""
    check_editable(round_)
    return resolve(choice)


def set_categories(
    session: Session,
    round_: Round,
    choice: CategoryChoice,
    *,
    actor: User | None,
    now: datetime,
) -> bool:
    """Store the categories ``choice`` names; True when they changed. After the draft, a
    change is logged with the categories before and after it (their lines)."""
    check_editable(round_)
    categories = resolve(choice)
    before = round_categories(round_)
    if categories == before:
        return False
    if round_.state != "draft":
        log_event(
            session,
            round_,
            "categories_changed",
            actor=actor,
            now=now,
            previous=as_lines(before),
            current=as_lines(categories),
        )
    round_.categories = stored(categories)
    session.flush()
    return True
