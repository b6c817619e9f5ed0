"""Opinion analysis: normalisation, splitting into items, theme grouping.

A pure package: strings in, dataclasses out; no Flask, no database.
"""

from survey.analysis.items import split_opinions
from survey.analysis.normalise import normalise

__all__ = ["normalise", "split_opinions"]
