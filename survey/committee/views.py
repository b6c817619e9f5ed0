"""Collects the committee's view modules onto one blueprint (importing a module registers it)."""

from __future__ import annotations

from survey.committee import (  # noqa: F401 - imported for their routes
    custodian_views,
    edit_views,
    feedback_views,
    participation_views,
    selection_views,
    storage_views,
    summary_views,
    theme_views,
    topics_review_views,
    topics_views,
)
from survey.committee.blueprint import bp

__all__ = ["bp"]
