"""Round categories (survey/analysis/categories.py) on the published lists.

    .venv/bin/python bench/categories.py            # the tune sources
    .venv/bin/python bench/categories.py --holdout  # and the held-out ones (once, at the end)
    .venv/bin/python bench/categories.py --sources  # also one line per source

A source's own headings are what a branch would have set as its round's
categories, had it used this service: the categories of a form are known before
anyone writes. Two settings are measured on every source with two headings or
more, per split (mean over sources, each source one round):

* **own headings**: the categories are the source's headings, names only (no cue
  words: nobody wrote any for them);
* **preset**: where every heading of a source names one category of a preset set
  (survey/analysis/presets.py; e.g. 理论学习方面 → 理论学习), the round uses that
  preset, cue words included, and is scored against the headings.

Beside the method, in the same run: the nearest heading by character TF-IDF
cosine (every item placed; the simple way to use the names), character TF-IDF +
k-means with the true number (no names at all), random assignment, and the plain
grouping without categories. Scores compare each item's category (or "none") with
its source heading: accuracy, NMI and ARI.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from published import (
    SEEDS,
    Source,
    char_kmeans,
    random_labels,
    scores,
    sources,
)
from sklearn.feature_extraction.text import TfidfVectorizer

from survey.analysis import group_opinions, normalise
from survey.analysis.categories import Category, place_in_categories
from survey.analysis.presets import PRESETS

NONE = "∅"


def placed_names(
    source: Source, categories: Sequence[Category], gold_names: Sequence[str]
) -> list[str]:
    """Each item's category, as the gold heading it stands for (or NONE)."""
    placement = place_in_categories(source.texts, categories)
    return [gold_names[c] if c is not None else NONE for c in placement.categories]


def nearest_heading(
    source: Source, names: Sequence[str] | None = None, stands_for: Sequence[str] | None = None
) -> list[str]:
    """Baseline: the heading whose character 1–2-grams are nearest (cosine); none
    when the item shares no character with any heading (the first heading would
    win such ties, and sources list their largest heading first)."""
    headings = list(names or source.headings)
    shown = list(stands_for or headings)
    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    matrix = vectoriser.fit_transform([*source.texts, *headings])
    items, names = matrix[: len(source.texts)], matrix[len(source.texts) :]
    similarity = (items @ names.T).toarray()
    return [shown[int(np.argmax(row))] if row.max() > 0 else NONE for row in similarity]


def preset_for(source: Source) -> tuple[str, Source, list[str]] | None:
    """The preset of which at least two of the source's headings each name one
    category (理论学习方面 → 理论学习); the source cut to the items under those
    headings, and for each category of the preset the heading it stands for."""
    for key, categories in PRESETS.items():
        names = [category.name for category in categories]
        mapping: dict[str, str] = {}
        for heading in source.headings:
            found = [name for name in names if name in normalise(heading)]
            if len(found) == 1 and found[0] not in mapping:
                mapping[found[0]] = heading
        if len(mapping) >= 2:
            kept = [
                (t, g)
                for t, g in zip(source.texts, source.gold, strict=True)
                if g in mapping.values()
            ]
            cut = Source(
                source.name, source.split, tuple(t for t, _ in kept), tuple(g for _, g in kept)
            )
            return key, cut, [mapping.get(name, f"({name})") for name in names]
    return None


def row(source: Source, predicted: Sequence[str]) -> tuple[float, float, float, float]:
    """Accuracy, NMI, ARI, share placed nowhere."""
    right = sum(p == g for p, g in zip(predicted, source.gold, strict=True))
    nmi, ari = scores(source.gold, predicted)
    none = sum(p == NONE for p in predicted)
    return right / len(predicted), nmi, ari, none / len(predicted)


def methods(source: Source) -> dict[str, tuple[float, float, float, float]]:
    k = len(source.headings)
    own = [Category(heading) for heading in source.headings]
    results = {
        "own headings as categories (method)": row(
            source, placed_names(source, own, source.headings)
        ),
        "baseline: nearest heading, char TF-IDF": row(source, nearest_heading(source)),
    }
    preset = preset_for(source)
    if preset is not None:
        key, cut, gold_names = preset
        categories = PRESETS[key]
        results["preset with cue words (method)"] = row(
            cut, placed_names(cut, categories, gold_names)
        )
        names_only = [Category(category.name) for category in categories]
        results["preset, names only"] = row(cut, placed_names(cut, names_only, gold_names))
        results["preset: nearest name, char TF-IDF"] = row(
            cut, nearest_heading(cut, [category.name for category in categories], gold_names)
        )
    unnamed = {
        "baseline: char TF-IDF + k-means, true k": lambda s: char_kmeans(source.texts, k, s),
        "baseline: random": lambda s: random_labels(len(source.texts), k, s),
        "group_opinions, no categories": lambda s: group_opinions(source.texts, seed=s).assignments,
    }
    for name, method in unnamed.items():
        runs = [scores(source.gold, [str(x) for x in method(seed)]) for seed in SEEDS]
        nmi, ari = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        results[name] = (float("nan"), nmi, ari, 0.0)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", action="store_true", help="one line per source too")
    parser.add_argument("--holdout", action="store_true", help="also score the held-out sources")
    args = parser.parse_args()
    for split in ("tune", "holdout") if args.holdout else ("tune",):
        chosen = [s for s in sources(split) if len(s.headings) >= 2]
        table: dict[str, list[tuple[float, float, float, float]]] = {}
        for source in chosen:
            results = methods(source)
            if args.sources:
                size = f"{len(source.texts)} items, {len(source.headings)} headings"
                print(f"  {split} {source.name} ({size})")
                for name, values in results.items():
                    print(
                        f"    {name:44} acc {values[0]:.3f} NMI {values[1]:.3f} ARI {values[2]:.3f}"
                    )
            for name, values in results.items():
                table.setdefault(name, []).append(values)
        items = sum(len(s.texts) for s in chosen)
        print(
            f"\n{split}: {len(chosen)} sources with 2+ headings, {items} items; mean over sources"
        )
        print(f"{'method':48} {'sources':>7} {'accuracy':>8} {'NMI':>6} {'ARI':>6} {'unplaced':>8}")
        for name, values in table.items():
            mean = [statistics.mean(v[i] for v in values) for i in range(4)]
            figures = f"{mean[0]:8.3f} {mean[1]:6.3f} {mean[2]:6.3f} {mean[3]:6.3f}"
            print(f"{name:48} {len(values):7d} {figures}")


if __name__ == "__main__":
    main()
