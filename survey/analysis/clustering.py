"""Themes as clusters: bisecting k-means over the items' embedding.

The partition grows from one cluster by splitting, each time the cluster
whose best split into two lowers the within-cluster squared distance the
most. When the number of themes is not given, the first clear peak of the
silhouette along the partitions visited is kept (cosine distance; computed in
linear time from cluster sums, on a sample of items for large inputs). In that
mode splits never create a theme smaller than ``_MIN_THEME_SIZE`` items or
``_MIN_THEME_SHARE`` of the input.

The areas of DESIGN §1 enter through :func:`area_signal`: a few extra
dimensions, one per area, holding how strongly an item's words place it
there. Items of one area are drawn together, yet an item whose words say
something else can still leave (see docs/analysis.md for why the areas are
a pull and not a fence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from survey.analysis.tokens import Tokens
from survey.analysis.vocabulary import AREAS

__all__ = ["Cluster", "area_hits", "area_signal", "cluster_items", "place_in_areas"]

_AREA_NAMES = tuple(AREAS)
_SEED_AREAS: dict[str, tuple[int, ...]] = {
    word: tuple(i for i, name in enumerate(_AREA_NAMES) if word in AREAS[name])
    for word in frozenset().union(*AREAS.values())
}
_KMEANS_FIT_SAMPLE = 4_000
_KMEANS_STARTS = 6
_LLOYD_ITERATIONS = 30
_SILHOUETTE_SAMPLE = 10_000
_MIN_THEME_SHARE = 0.01  # automatic splits never create a theme below 1 % …
_MIN_THEME_SIZE = 2  # … or below 2 items
_MAX_AUTO_THEMES = 30
_PEAK_SHARE = 0.9

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Cluster:
    """Members of one theme: indices into the embedding, ascending."""

    members: IntArray


@dataclass(frozen=True)
class _Split:
    left: IntArray
    right: IntArray
    gain: float


def place_in_areas(hits: NDArray[np.int64]) -> list[str | None]:
    """Per item (row of :func:`area_hits`): the area whose seed words it uses
    most, or None (no hit, or a tie)."""
    placed: list[str | None] = []
    for row in hits:
        best = int(row.max())
        winners = np.flatnonzero(row == best)
        placed.append(_AREA_NAMES[int(winners[0])] if best and len(winners) == 1 else None)
    return placed


def area_hits(tokens: Sequence[Tokens]) -> NDArray[np.int64]:
    """Item × area: how many distinct seed words of the area the item uses."""
    hits = np.zeros((len(tokens), len(_AREA_NAMES)), dtype=np.int64)
    for row, doc in enumerate(tokens):
        for word in set(doc.words):
            for column in _SEED_AREAS.get(word, ()):
                hits[row, column] += 1
    return hits


def area_signal(hits: NDArray[np.int64]) -> FloatArray:
    """One column per area: an item's seed-word hits (from :func:`area_hits`),
    scaled to unit length (zero rows for items that hit no area)."""
    signal = hits.astype(np.float64)
    norms = np.linalg.norm(signal, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return signal / norms


def _sse(points: FloatArray) -> float:
    return float(((points - points.mean(axis=0)) ** 2).sum())


def _assign(points: FloatArray, centres: FloatArray) -> IntArray:
    """0 or 1: the nearer of two centres for each point (squared Euclidean).

    |x - c1|² < |x - c0|²  ⇔  2 x · (c1 - c0) > |c1|² - |c0|², one product.
    """
    threshold = float(centres[1] @ centres[1] - centres[0] @ centres[0])
    return np.asarray(2.0 * (points @ (centres[1] - centres[0])) > threshold, dtype=np.int64)


def _two_means_once(points: FloatArray, rng: np.random.Generator) -> tuple[float, IntArray] | None:
    """Lloyd's algorithm for two centres from a k-means++ start."""
    first = points[rng.integers(len(points))]
    spread = ((points - first) ** 2).sum(axis=1)
    if spread.sum() <= 0:
        return None
    centres = np.stack([first, points[rng.choice(len(points), p=spread / spread.sum())]])
    labels = _assign(points, centres)
    for _ in range(_LLOYD_ITERATIONS):
        if labels.min() == labels.max():
            return None
        centres = np.stack([points[labels == side].mean(axis=0) for side in (0, 1)])
        updated = _assign(points, centres)
        if np.array_equal(updated, labels):
            break
        labels = updated
    inertia = sum(_sse(points[labels == side]) for side in (0, 1))
    return inertia, labels


def _bisect(embedding: FloatArray, members: IntArray, seed: int) -> _Split | None:
    """The best of a few 2-means splits of ``members``, or None when it cannot split.

    Large clusters are fitted on a sample, then every member goes to the nearer
    centre. Plain numpy: at these sizes a threaded k-means spends its time
    starting threads.
    """
    if len(members) < 2:
        return None
    rng = np.random.default_rng([seed, len(members), int(members[0])])
    points = embedding[members]
    fit = points
    if len(points) > _KMEANS_FIT_SAMPLE:
        fit = points[np.sort(rng.choice(len(points), _KMEANS_FIT_SAMPLE, replace=False))]
    runs = [run for _ in range(_KMEANS_STARTS) if (run := _two_means_once(fit, rng))]
    if not runs:
        return None
    _, labels = min(runs, key=lambda run: run[0])
    if len(fit) != len(points):
        centres = np.stack([fit[labels == side].mean(axis=0) for side in (0, 1)])
        labels = _assign(points, centres)
    left, right = members[labels == 0], members[labels == 1]
    if not len(left) or not len(right):
        return None
    gain = _sse(points) - _sse(embedding[left]) - _sse(embedding[right])
    return _Split(left, right, gain)


def _grow(
    embedding: FloatArray, start: list[Cluster], limit: int, min_size: int, seed: int
) -> list[list[Cluster]]:
    """Partitions from ``start`` up to ``limit`` clusters, one split at a time."""
    clusters = list(start)
    splits = [_bisect(embedding, cluster.members, seed) for cluster in clusters]
    history = [list(clusters)]
    while len(clusters) < limit:
        allowed = [
            (split.gain, -i)
            for i, split in enumerate(splits)
            if split and min(len(split.left), len(split.right)) >= min_size
        ]
        if not allowed:
            break
        index = -max(allowed)[1]
        split = splits[index]
        assert split is not None
        children = [Cluster(split.left), Cluster(split.right)]
        clusters[index : index + 1] = children
        splits[index : index + 1] = [_bisect(embedding, c.members, seed) for c in children]
        history.append(list(clusters))
    return history


def _silhouette(points: FloatArray, clusters: list[Cluster], sample: IntArray) -> float:
    """Mean silhouette, cosine distance, of the ``sample`` items.

    For unit rows the mean distance from x to a cluster C is
    1 - x · sum(C) / |C|, so cluster sums give it exactly in linear time: no
    pairwise matrix. Items alone in their cluster score 0, as usual.
    """
    if len(clusters) < 2:
        return -1.0
    sums = np.stack([points[cluster.members].sum(axis=0) for cluster in clusters])
    sizes = np.array([len(cluster.members) for cluster in clusters], dtype=np.float64)
    own = np.empty(points.shape[0], dtype=np.int64)
    for label, cluster in enumerate(clusters):
        own[cluster.members] = label
    labels = own[sample]
    mean_similarity = (points[sample] @ sums.T) / sizes  # item × cluster
    rows = np.arange(len(sample))
    self_similarity = (points[sample] ** 2).sum(axis=1)
    alone = sizes[labels] <= 1
    within = 1.0 - (mean_similarity[rows, labels] * sizes[labels] - self_similarity) / np.maximum(
        sizes[labels] - 1.0, 1.0
    )
    mean_similarity[rows, labels] = -np.inf
    between = 1.0 - mean_similarity.max(axis=1)
    scores = (between - within) / np.maximum(np.maximum(between, within), 1e-12)
    scores[alone] = 0.0
    return float(scores.mean())


def _silhouettes(embedding: FloatArray, history: list[list[Cluster]], seed: int) -> list[float]:
    """Silhouette of each partition, on one shared sample of items."""
    n_items = embedding.shape[0]
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n_items, size=min(n_items, _SILHOUETTE_SAMPLE), replace=False))
    return [_silhouette(embedding, clusters, sample) for clusters in history]


def cluster_items(embedding: FloatArray, n_themes: int | None, *, seed: int) -> list[Cluster]:
    """Partition the rows of ``embedding`` (unit rows) into themes.

    With ``n_themes`` the result has that many clusters, or fewer when the
    rows cannot be split further (fewer distinct rows than themes).
    """
    start = [Cluster(np.arange(embedding.shape[0], dtype=np.int64))]
    if n_themes is not None:
        return _grow(embedding, start, n_themes, 1, seed)[-1]
    n_items = embedding.shape[0]
    min_size = max(_MIN_THEME_SIZE, int(np.ceil(_MIN_THEME_SHARE * n_items)))
    history = _grow(embedding, start, _MAX_AUTO_THEMES, min_size, seed)
    if len(history) == 1:
        return history[0]
    return history[_first_peak(_silhouettes(embedding, history, seed))]


def _first_peak(scores: list[float]) -> int:
    """The first partition whose silhouette is no lower than the next two and
    within ``_PEAK_SHARE`` of the best.

    Silhouette often climbs again once themes get small (every tiny cluster of
    near-duplicates scores well); the committee is better served by the first
    clear peak than by thirty themes that score a hair higher.
    """
    best = max(scores)
    padded = [*scores, -np.inf, -np.inf]
    for index, score in enumerate(scores):
        if score >= _PEAK_SHARE * best and score >= max(padded[index + 1], padded[index + 2]):
            return index
    return scores.index(best)
