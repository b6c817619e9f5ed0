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


def add_channel_items(
    session: Session,
    round_: Round,
    section: Section,
    channel: str,
    day: date,
    text: str,
    *,
    actor: User | None,
    now: datetime,
) -> list[OpinionItem]:
    """Split ``text`` into items of ``section`` from ``channel`` on ``day``; logged (counts)."""
    if round_.state not in CHANNEL_STATES:
        raise WrongState(
            _(
                "Items from other channels can be added while the round runs and until it is"
                " published."
            )
        )
    if section.round_id != round_.id:
        raise InvalidInput(_("Choose a section of this round."))
    if channel not in OTHER_CHANNELS:
        raise InvalidInput(_("Choose a paper opinion form or a one-to-one talk."))
    if day > local_today(now):
        raise InvalidInput(_("The day cannot be in the future."))
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("At most %(n)d characters at a time.", n=MAX_TEXT))
    texts = split_opinions(text)
    if not texts:
        raise InvalidInput(_("There is no opinion in this text."))
    items = [
        OpinionItem(
            id=random_item_id(),
            round_id=round_.id,
            section_id=section.id,
            text=item,
            channel=channel,
            day=day,
            status="active",
        )
        for item in texts
    ]
    session.add_all(items)
    log_event(
        session,
        round_,
        "item_added",
        actor=actor,
        now=now,
        channel=channel,
        section=section.title,
        items=len(items),
    )
    session.flush()
    return items
