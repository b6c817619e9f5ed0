"""Opinions from other channels, typed in by the secretary: paper forms and one-to-one talks.

They join the same summary as the answers: split into items and normalised the same way, marked
with their channel, dated by day only, and with no person. Items typed in before unseal are
grouped with the answers at unseal; later ones wait, not in a theme, for the committee to place.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.analysis import split_opinions
from survey.errors import InvalidInput
from survey.models import OpinionItem, Round, Section, User
from survey.models.summary import random_item_id
from survey.rounds.clock import local_today
from survey.rounds.errors import WrongState
from survey.rounds.log import log_event

OTHER_CHANNELS = ("paper", "talk")
# From the round opening (or drafting) until the summary is published.
CHANNEL_STATES = ("collecting", "closed", "summarising")
MAX_TEXT = 5000


def add_channel_form(
    session: Session,
    round_: Round,
    channel: str,
    day: date,
    texts: dict[Section, str],
    *,
    actor: User | None,
    now: datetime,
) -> list[OpinionItem]:
    """A whole paper form (or talk): each section's text split into items, all from ``channel``
    on ``day``. Sections left empty, or holding only 「无」, are skipped; a form with no opinion
    at all is refused. One log entry per section that got items (counts only)."""
    _check(round_, channel, day, now)
    split: list[tuple[Section, list[str]]] = []
    for section, text in texts.items():
        if section.round_id != round_.id:
            raise InvalidInput(_("Choose a section of this round."))
        if len(text) > MAX_TEXT:
            raise InvalidInput(_("At most %(n)d characters at a time.", n=MAX_TEXT))
        found = split_opinions(text) if text.strip() else []
        if found:
            split.append((section, found))
    if not split:
        raise InvalidInput(_("There is no opinion in this text."))
    items: list[OpinionItem] = []
    for section, found in split:
        made = [_item(round_, section, channel, day, text) for text in found]
        items += made
        log_event(
            session,
            round_,
            "item_added",
            actor=actor,
            now=now,
            channel=channel,
            section=section.title,
            items=len(made),
        )
    session.add_all(items)
    session.flush()
    return items


def _check(round_: Round, channel: str, day: date, now: datetime) -> None:
    if round_.state not in CHANNEL_STATES:
        raise WrongState(
            _(
                "Items from other channels can be added while the round runs and until it is"
                " published."
            )
        )
    if channel not in OTHER_CHANNELS:
        raise InvalidInput(_("Choose a paper opinion form or a one-to-one talk."))
    if day > local_today(now):
        raise InvalidInput(_("The day cannot be in the future."))


def _item(round_: Round, section: Section, channel: str, day: date, text: str) -> OpinionItem:
    return OpinionItem(
        id=random_item_id(),
        round_id=round_.id,
        section_id=section.id,
        text=text,
        channel=channel,
        day=day,
        status="active",
    )
