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

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from survey.analysis.normalise import normalise
from survey.analysis.presets import PRESETS, Category
from survey.analysis.themes import Grouping, Theme, group_opinions
from survey.analysis.tokens import char_bigrams, tokenise

_HAN_OR_WORD = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9]+")

__all__ = [
        "PRESETS",
    "Category",
    "CategoryPlacement",
    "group_in_categories",
    "place_in_categories",
]

_CUE_WEIGHT = 1.0  # the strongest cue hit of an item, next to character similarity (≤ 1)
NEIGHBOUR_MIN = 0.05  # mean cosine to a category's items that places an item with no cue

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


def _char_rows(texts: Sequence[str]) -> sparse.csr_matrix:
    """Character 1–2-gram TF-IDF rows (sublinear tf, smooth idf), unit length.

    Characters, not words: a category's name (工作作风) and an item (作风不实)
    share characters where a segmenter cuts them into different words.
    """
    vocabulary: dict[str, int] = {}
    indptr, indices, values = [0], [], []
    for text in texts:
        grams = Counter(_HAN_OR_WORD.findall(text))
        grams.update(char_bigrams(text))
        for gram, count in grams.items():
            indices.append(vocabulary.setdefault(gram, len(vocabulary)))
            values.append(1.0 + np.log(count))
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.asarray(values), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(texts), max(len(vocabulary), 1)),
    )
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    weighted = sparse.csr_matrix(matrix @ sparse.diags(idf))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def _mean_similarity(items: sparse.csr_matrix, members: list[list[int]]) -> FloatArray:
    """Item × category: mean cosine to the items placed in the category."""
    columns = []
    for placed in members:
        if placed:
            total = np.asarray(items[placed].sum(axis=0)).ravel()
            columns.append(np.asarray(items @ total).ravel() / len(placed))
        else:
            columns.append(np.zeros(items.shape[0]))
    return np.stack(columns, axis=1)


def place_in_categories(
    texts: Sequence[str], categories: Sequence[Category], *, seed: int = 0
) -> CategoryPlacement:
    """The category of each text (see the module's steps 1–3)."""
    del seed  # deterministic; kept for the same signature as the grouping
    if not categories or not texts:
        return CategoryPlacement((None,) * len(texts), (False,) * len(texts))
    normalised = [normalise(text) for text in texts]
    cues = _cues(categories)
    cue_scores = _cue_scores(normalised, cues)
    descriptions = [normalise(c.name + " " + " ".join(c.words)) for c in categories]
    rows = _char_rows([*normalised, *descriptions])
    items, names = rows[: len(texts)], rows[len(texts) :]
    prior = np.asarray((items @ names.T).todense(), dtype=np.float64)
    strength = cue_scores.max(axis=1, keepdims=True)
    strength[strength == 0] = 1.0
    prior = prior + _CUE_WEIGHT * cue_scores / strength
    seeded = tuple(
        bool(row.max() > 0) and int((row == row.max()).sum()) == 1 for row in cue_scores
    )
    placed = _settle(items, prior)
    return CategoryPlacement(tuple(placed), seeded)


def _settle(items: sparse.csr_matrix, prior: FloatArray) -> list[int | None]:
    """Each item's category: the one its words are most like; an item like none
    of them (no shared character, or a tie) joins the category whose items it
    is most like, when that similarity reaches :data:`NEIGHBOUR_MIN`."""
    ranked = np.sort(np.round(prior, 9), axis=1)
    second = ranked[:, -2] if prior.shape[1] > 1 else np.full(len(prior), -np.inf)
    clear = (ranked[:, -1] > second) & (ranked[:, -1] > 0)
    placed: list[int | None] = [
        int(np.argmax(row)) if clear[i] else None for i, row in enumerate(prior)
    ]
    if clear.all() or not clear.any():
        return placed
    members = [[i for i, c in enumerate(placed) if c == index] for index in range(prior.shape[1])]
    similarity = _mean_similarity(items, members)
    for i in np.flatnonzero(~clear):
        best = int(np.argmax(similarity[i]))
        if similarity[i, best] >= NEIGHBOUR_MIN:
            placed[i] = best
    return placed


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
