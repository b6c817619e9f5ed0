"""Collects the secretary's view modules onto one blueprint."""

from __future__ import annotations

import importlib

from survey.secretary.blueprint import bp

# Each feature's views register themselves on ``bp`` when imported.
for _module in (
    "survey.secretary.roster_views",
    "survey.secretary.round_views",
    "survey.secretary.opening_views",
    "survey.secretary.round_dashboard",
    "survey.secretary.invitation_views",
    "survey.secretary.channel_views",
):
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as error:
        if error.name != _module:
            raise

__all__ = ["bp"]
