"""How well the re-group places new items among existing themes (survey/analysis/placement.py).

    .venv/bin/python bench/placement.py

Each evaluation set (items with a gold theme) is split at random, five times, 80 % "already
placed" (grouped by their gold theme, as if the committee had shaped the themes) and 20 % "typed
in after unseal". For each similarity threshold it counts the new items that join their gold
theme, join another one, or are left over to form new themes. A random existing theme would be
right about 1/k of the time (k themes).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from survey.analysis.placement import PLACE_THRESHOLD, place_opinions

ROOT = Path(__file__).resolve().parents[1]
SETS = ("opinions_eval.jsonl", "opinions_published.jsonl")
THRESHOLDS = (0.2, PLACE_THRESHOLD, 0.5, 0.6, 0.7)
REPEATS = 5


def measure(rows: list[dict[str, str]], threshold: float) -> tuple[int, int, int]:
    rng = random.Random(0)
    right = wrong = left = 0
    for _ in range(REPEATS):
        shuffled = list(rows)
        rng.shuffle(shuffled)
        cut = int(len(shuffled) * 0.8)
        placed, new = shuffled[:cut], shuffled[cut:]
        themes = sorted({row["theme"] for row in placed})
        placement = place_opinions(
            [row["text"] for row in placed],
            [themes.index(row["theme"]) for row in placed],
            [row["text"] for row in new],
            threshold=threshold,
        )
        for row, group in zip(new, placement.existing, strict=True):
            if group is None:
                left += 1
            elif themes[group] == row["theme"]:
                right += 1
            else:
                wrong += 1
    return right, wrong, left


def main() -> None:
    for name in SETS:
        rows = [json.loads(line) for line in (ROOT / "tests" / "data" / name).open()]
        if name == "opinions_published.jsonl":  # gold: the source's own heading, per source
            rows = [{**row, "theme": f"{row['source']}:{row['theme']}"} for row in rows]
        k = len({row["theme"] for row in rows})
        print(f"{name}: {len(rows)} items, {k} themes (random theme right ~{1 / k:.0%})")
        for threshold in THRESHOLDS:
            right, wrong, left = measure(rows, threshold)
            share = right / max(1, right + wrong)
            print(
                f"  threshold {threshold:.2f}: right {right:4d}  wrong {wrong:4d}  "
                f"left for new themes {left:4d}  precision {share:.2f}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
