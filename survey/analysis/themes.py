"""Group opinion items into themes the committee can turn into topics.

``group_opinions`` is the one entry point: texts in, a :class:`Grouping` out.
Steps: normalise → segment (rjieba, domain words, stop words) → TF-IDF of
words and character pairs → LSA embedding, extended by the pull of the areas
of DESIGN §1 → bisecting k-means (the number of themes chosen by silhouette
when not given) → class-based TF-IDF labels that never show a rare word.
Deterministic for the same input and seed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from survey.analysis.clustering import area_hits, area_signal, cluster_items, place_in_areas
from survey.analysis.features import build_features
from survey.analysis.labels import label_themes
from survey.analysis.normalise import normalise
from survey.analysis.tokens import Tokens, tokenise

__all__ = ["Grouping", "Theme", "group_opinions"]

_AREA_WEIGHT = 0.0  # length of the area columns; off: a round names its categories instead
_AREA_MAJORITY = 0.5  # a theme belongs to an area when at least half its items do

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Theme:
    """One theme: ``representative`` is the index of its most typical input text,
    ``representatives`` the two most typical (one for a theme of one text)."""

    index: int
    label: str
    size: int
    representative: int
    keywords: tuple[str, ...]
    area: str | None = None  # 队伍建设, 业务工作, 党支部工作, 学习教育, 作风纪律 or None
    representatives: tuple[int, ...] = ()
    category: int | None = None  # index of the round category it was grouped in


@dataclass(frozen=True)
class Grouping:
    """``assignments[i]`` is the index of the theme of ``texts[i]``."""

    assignments: tuple[int, ...]
    themes: tuple[Theme, ...]


def group_opinions(texts: Sequence[str], n_themes: int | None = None, *, seed: int = 0) -> Grouping:
    """Group ``texts`` into ``n_themes`` themes, or as many as fit them best.

    Texts without a word that another text shares (empty, punctuation only,
    or entirely their own words) form one theme of their own, labelled
    其他意见; it counts toward ``n_themes``. There are fewer themes than asked
    when the texts do not differ enough (all identical, fewer texts).
    """
    if n_themes is not None and n_themes < 1:
        raise ValueError("n_themes must be at least 1")
    if not texts:
        return Grouping((), ())
    normalised, tokens = _read(texts)
    hits = area_hits(tokens)
    # One BLAS thread: the products here are small or thin, and threads cost
    # more than they give (1,000 items: 0.3 s threaded, 0.1 s not; the SVD of
    # 100,000: 3.7 s on two threads, 1.9 s on one).
    with threadpool_limits(limits=1):
        features = build_features(normalised, tokens, seed=seed)
        content = np.flatnonzero(features.has_content).astype(np.int64)
        points = _with_areas(features.embedding, area_signal(hits))
        groups = _partition(points, content, len(texts), n_themes, seed)
    # Representatives are judged on content alone: with the area columns, any
    # item of the theme's area looks typical, however little it says.
    return _assemble(groups, features.embedding, tokens, place_in_areas(hits))


def _read(texts: Sequence[str]) -> tuple[list[str], list[Tokens]]:
    """Normalised texts and their tokens; each distinct text is read once."""
    seen: dict[str, tuple[str, Tokens]] = {}
    for text in texts:
        if text not in seen:
            clean = normalise(text)
            seen[text] = (clean, tokenise(clean))
    pairs = [seen[text] for text in texts]
    return [clean for clean, _ in pairs], [doc for _, doc in pairs]


def _with_areas(embedding: FloatArray, signal: FloatArray) -> FloatArray:
    """The embedding with the area columns appended, rows back to unit length."""
    points = np.hstack([embedding, _AREA_WEIGHT * signal])
    norms = np.linalg.norm(points, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(points / norms, dtype=np.float64)


def _partition(
    points: FloatArray, content: IntArray, n_texts: int, n_themes: int | None, seed: int
) -> list[IntArray]:
    """Item indices per theme, largest theme first (ties: first item first)."""
    blank = np.setdiff1d(np.arange(n_texts, dtype=np.int64), content)
    groups: list[IntArray] = []
    if len(content):
        budget = None if n_themes is None else max(1, n_themes - (1 if len(blank) else 0))
        clusters = cluster_items(points[content], budget, seed=seed)
        groups = [content[cluster.members] for cluster in clusters]
    if len(blank):
        if n_themes == 1 and groups:
            groups = [np.sort(np.concatenate([*groups, blank]))]
        else:
            groups.append(blank)
    return sorted(groups, key=lambda members: (-len(members), int(members[0])))


def _representatives(
    members: IntArray, embedding: FloatArray, tokens: list[Tokens], keywords: tuple[str, ...]
) -> tuple[int, ...]:
    """The two members that use most of the theme's keywords; among those, the
    ones nearest the theme's centroid; then the first. Two distinct texts when
    the theme has them."""
    rows = embedding[members]
    similarity = np.round(rows @ rows.mean(axis=0), 9)
    shown = set(keywords)
    used = np.array([len(shown.intersection(tokens[index].words)) for index in members])
    order = np.lexsort((np.arange(len(members)), -similarity, -used))
    chosen = [int(members[order[0]])]
    for position in order[1:]:
        if tokens[int(members[position])] != tokens[chosen[0]]:
            chosen.append(int(members[position]))
            break
    return tuple(chosen)


def _area(members: IntArray, placed: Sequence[str | None]) -> str | None:
    votes = Counter(placed[index] for index in members)
    area, count = max(votes.items(), key=lambda pair: (pair[1], pair[0] or ""))
    return area if area is not None and count >= _AREA_MAJORITY * len(members) else None


def _assemble(
    groups: list[IntArray], embedding: FloatArray, tokens: list[Tokens], placed: list[str | None]
) -> Grouping:
    labels = label_themes(tokens, [members.tolist() for members in groups])
    assignments = np.zeros(len(tokens), dtype=np.int64)
    themes = []
    for index, (members, label) in enumerate(zip(groups, labels, strict=True)):
        assignments[members] = index
        representatives = _representatives(members, embedding, tokens, label.keywords)
        themes.append(
            Theme(
                index=index,
                label=label.label,
                size=len(members),
                representative=representatives[0],
                keywords=label.keywords,
                area=_area(members, placed),
                representatives=representatives,
            )
        )
    return Grouping(tuple(int(a) for a in assignments), tuple(themes))
