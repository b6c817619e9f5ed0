"""The published evaluation set (tests/data/opinions_published.jsonl) and the
scores and baselines that bench/themes.py and bench/categories.py share.

Each source is one published list, i.e. one round; its own headings are the
gold themes. Sources marked ``tune`` may be looked at while changing the method,
``holdout`` sources may not (tests/data/opinions_published.md).
"""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "data" / "opinions_published.jsonl"
SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class Source:
    """One published list: its items and their gold headings."""

    name: str
    split: str
    texts: tuple[str, ...]
    gold: tuple[str, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.gold))


def rows_of(path: Path = PUBLISHED) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def sources(split: str | None = None) -> list[Source]:
    """The sources of ``split`` (all when None), in file order."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows_of():
        if split is None or row["split"] == split:
            grouped.setdefault(row["source"], []).append(row)
    return [
        Source(
            name,
            own[0]["split"],
            tuple(row["text"] for row in own),
            tuple(row["theme"] for row in own),
        )
        for name, own in grouped.items()
    ]


def pooled(chosen: Sequence[Source]) -> Source:
    """All ``chosen`` sources as one round; gold: source and heading."""
    texts = tuple(text for source in chosen for text in source.texts)
    gold = tuple(f"{source.name}|{theme}" for source in chosen for theme in source.gold)
    return Source("pooled", chosen[0].split if chosen else "", texts, gold)


def scores(gold: Sequence[str], predicted: Sequence[object]) -> tuple[float, float]:
    labels = [str(label) for label in predicted]
    return normalized_mutual_info_score(gold, labels), adjusted_rand_score(gold, labels)


def random_labels(count: int, k: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(k) for _ in range(count)]


def char_tfidf(texts: Sequence[str]) -> object:
    """Character 1–2-gram TF-IDF rows (sublinear), the baselines' features."""
    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    return vectoriser.fit_transform(list(texts))


def char_kmeans(texts: Sequence[str], k: int, seed: int) -> list[int]:
    """Baseline: character TF-IDF + k-means with the true number of themes."""
    matrix = char_tfidf(texts)
    return [int(label) for label in KMeans(k, n_init=10, random_state=seed).fit_predict(matrix)]


Method = Callable[[Source, int], Sequence[object]]


def median_scores(source: Source, method: Method) -> tuple[float, float]:
    """Median NMI and ARI of ``method`` over the seeds."""
    runs = [scores(source.gold, method(source, seed)) for seed in SEEDS]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def macro(rows: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Mean NMI and mean ARI over sources (each source one round, equal weight)."""
    return statistics.mean(r[0] for r in rows), statistics.mean(r[1] for r in rows)
