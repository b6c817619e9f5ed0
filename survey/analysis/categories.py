"""Round categories: the form's own first level, themes grouped inside each.

A branch often solicits opinions under categories set before anyone writes: the
areas of DESIGN §1 (队伍建设, 业务工作, 党支部工作), or the ones a superior's notice
names (政治建设 … 纪律建设; 理论学习 … 廉洁自律). Those categories are knowledge the
words of short opinions do not carry on their own, so the round may name them and
items are placed under them first:

1. **Cues.** A category's cue words are its name, the content words of its name,
   and the words the round gives it. A cue that several categories share counts
   for each only as one over their number (建设 in every 五个建设 name says little).
2. **Seeds.** An item whose text contains cues of exactly one best category is
   placed there.
3. **Neighbours.** Every other item joins the category whose seeded items it is
   most like (cosine to their centroid in the grouping's TF-IDF/LSA embedding),
   when that similarity reaches :data:`PLACE_MIN`; otherwise it stays outside
   every category (the committee places it).
4. Inside each category (and among the unplaced items) themes are grouped by
   :func:`survey.analysis.themes.group_opinions`, the number chosen there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from survey.analysis.features import build_features
from survey.analysis.normalise import normalise
from survey.analysis.presets import PRESETS, Category
from survey.analysis.themes import Grouping, Theme, group_opinions
from survey.analysis.tokens import tokenise

__all__ = [
    "PLACE_MIN",
    "PRESETS",
    "Category",
    "CategoryPlacement",
    "group_in_categories",
    "place_in_categories",
]

PLACE_MIN = 0.2  # cosine to a category's seeded items needed to join it without a cue

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CategoryPlacement:
    """``categories[i]`` is the index of the category of ``texts[i]``, or None;
    ``seeded[i]`` says whether the item's own words placed it (not a neighbour)."""

    categories: tuple[int | None, ...]
    seeded: tuple[bool, ...]


def _cues(categories: Sequence[Category]) -> list[dict[str, float]]:
    """Per category: cue → weight (one over the number of categories sharing it)."""
    own: list[set[str]] = []
    for category in categories:
        name = normalise(category.name)
        words = {name, *tokenise(name).words, *(normalise(w) for w in category.words)}
        own.append({word for word in words if len(word) >= 2})
    sharing: dict[str, int] = defaultdict(int)
    for words in own:
        for word in words:
            sharing[word] += 1
    return [{word: 1.0 / sharing[word] for word in words} for words in own]


def _cue_scores(texts: Sequence[str], cues: list[dict[str, float]]) -> FloatArray:
    scores = np.zeros((len(texts), len(cues)), dtype=np.float64)
    for row, text in enumerate(texts):
        for column, weights in enumerate(cues):
            scores[row, column] = sum(weight for cue, weight in weights.items() if cue in text)
    return scores


def place_in_categories(
    texts: Sequence[str], categories: Sequence[Category], *, seed: int = 0
) -> CategoryPlacement:
    """The category of each text (see the module's steps 1–3)."""
    if not categories or not texts:
        return CategoryPlacement((None,) * len(texts), (False,) * len(texts))
    normalised = [normalise(text) for text in texts]
    scores = _cue_scores(normalised, _cues(categories))
    placed: list[int | None] = []
    for row in scores:
        best = float(row.max())
        winners = np.flatnonzero(row == best)
        placed.append(int(winners[0]) if best > 0 and len(winners) == 1 else None)
    seeded = tuple(category is not None for category in placed)
    if all(seeded) or not any(seeded):
        return CategoryPlacement(tuple(placed), seeded)
    with threadpool_limits(limits=1):
        features = build_features(normalised, [tokenise(t) for t in normalised], seed=seed)
    embedding = features.embedding
    centroids = np.zeros((len(categories), embedding.shape[1]), dtype=np.float64)
    for index in range(len(categories)):
        members = [i for i, c in enumerate(placed) if c == index]
        if members:
            centre = embedding[members].sum(axis=0)
            norm = float(np.linalg.norm(centre))
            centroids[index] = centre / norm if norm else centre
    similarity = embedding @ centroids.T
    for row, category in enumerate(placed):
        if category is None and features.has_content[row]:
            best_index = int(np.argmax(similarity[row]))
            if similarity[row, best_index] >= PLACE_MIN:
                placed[row] = best_index
    return CategoryPlacement(tuple(placed), seeded)


def group_in_categories(
    texts: Sequence[str], categories: Sequence[Category], *, seed: int = 0
) -> Grouping:
    """Themes grouped inside each category; ``Theme.category`` names its index.

    Themes come in the order of the categories (the unplaced items' themes last),
    each category's largest theme first. Without categories this is
    :func:`group_opinions` with the number of themes chosen.
    """
    if not categories:
        return group_opinions(texts, seed=seed)
    placement = place_in_categories(texts, categories, seed=seed)
    order: list[int | None] = [*range(len(categories)), None]
    assignments = [0] * len(texts)
    themes: list[Theme] = []
    for category in order:
        members = [i for i, c in enumerate(placement.categories) if c == category]
        if not members:
            continue
        inner = group_opinions([texts[i] for i in members], seed=seed)
        offset = len(themes)
        for position, theme_index in zip(members, inner.assignments, strict=True):
            assignments[position] = offset + theme_index
        for theme in inner.themes:
            themes.append(
                replace(
                    theme,
                    index=offset + theme.index,
                    representative=members[theme.representative],
                    representatives=tuple(members[r] for r in theme.representatives),
                    category=category,
                )
            )
    return Grouping(tuple(assignments), tuple(themes))
