"""The round's log: round events only. Never a person's token request, never its moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from survey.models import Round, RoundEvent, User

EVENT_KINDS = (
    "created",
    "opening_started",
    "custodian_confirmed",
    "opened",
    "deadline_extended",
    "intro_changed",
    "categories_changed",
    "participant_added",
    "invitation_reissued",
    "codes_handed_out",
    "codes_shown_again",
    "closed",
    "discarded",
    "unsealed",
    "storage_rewritten",
    "summary_edited",
    "item_added",
    "custodian_account_changed",
    "unseal_part_given",
    "unseal_part_withdrawn",
    "topics_drafted",
    "topics_published",
    "objection_disposed",
    "response_redacted",
    "topics_reported",
    "superior_replied",
    "topics_finalised",
)


def log_event(
    session: Session, round_: Round, kind: str, *, actor: User | None, now: datetime, **detail: Any
) -> RoundEvent:
    """Append one event; ``detail`` must never hold invitation codes or token data."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown round event kind {kind!r}")
    event = RoundEvent(round=round_, kind=kind, actor=actor, at=now, detail=detail)
    session.add(event)
    return event
