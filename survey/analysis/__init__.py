"""Opinion analysis: normalisation, splitting into items, theme grouping.

A pure package: strings in, dataclasses out; no Flask, no database.
"""

from survey.analysis.items import split_opinions
from survey.analysis.normalise import normalise
from survey.analysis.themes import Grouping, Theme, group_opinions

__all__ = ["Grouping", "Theme", "group_opinions", "normalise", "split_opinions"]
