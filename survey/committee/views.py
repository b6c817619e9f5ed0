"""Collects the committee's view modules onto one blueprint."""

from __future__ import annotations

import importlib

from survey.committee.blueprint import bp

# Each feature's views register themselves on ``bp`` when imported.
for _module in (
    "survey.committee.custodian_views",
    "survey.committee.summary_views",
    "survey.committee.edit_views",
):
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as error:
        if error.name != _module:
            raise

__all__ = ["bp"]
