"""Collects the secretary's view modules onto one blueprint (importing a module registers it)."""

from __future__ import annotations

from survey.secretary import (  # noqa: F401 - imported for their routes
    channel_views,
    closing_views,
    invitation_views,
    opening_views,
    poster_views,
    roster_views,
    round_dashboard,
    round_views,
)
from survey.secretary.blueprint import bp

__all__ = ["bp"]
