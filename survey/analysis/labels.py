"""Theme labels by class-based TF-IDF, never showing a rare word.

A term's weight for a theme is the share of the theme's items that use it
times how specific it is to few items overall: ``df_t / n_t · log(1 + n / df)``.
Terms are content words and, as heading material, pairs of content words that
stood side by side (值班 + 备勤 → 值班备勤) when a pair is about as common in
the theme as its word. A label is one or two terms joined by `` · ``.

**The rare-word rule.** A word that fewer than two items of the theme use is
never shown, neither in the label nor among the keywords: a word only one
person wrote can point at that person. A theme without such a word is
labelled 其他意见.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from survey.analysis.tokens import Tokens

__all__ = ["FALLBACK_LABEL", "MIN_ITEMS_PER_WORD", "ThemeLabel", "label_themes"]

MIN_ITEMS_PER_WORD = 2
FALLBACK_LABEL = "其他意见"
SEPARATOR = " · "
_LABEL_TERMS = 2
_KEYWORDS = 6
_COMPOUND_SHARE = 0.5  # a pair replaces its word when at least this common


@dataclass(frozen=True)
class ThemeLabel:
    label: str
    keywords: tuple[str, ...]


def _compounds(doc: Tokens) -> set[str]:
    return {run[i] + run[i + 1] for run in doc.runs for i in range(len(run) - 1)}


@dataclass
class _Counts:
    words: list[Counter[str]]  # per theme: items using each word
    pairs: list[Counter[str]]  # per theme: items using each compound
    total: Counter[str]  # items using each word or compound, over all themes
    sizes: list[int]
    n_items: int


def _count(tokens: Sequence[Tokens], themes: Sequence[Sequence[int]]) -> _Counts:
    words: list[Counter[str]] = []
    pairs: list[Counter[str]] = []
    total: Counter[str] = Counter()
    for members in themes:
        theme_words: Counter[str] = Counter()
        theme_pairs: Counter[str] = Counter()
        for index in members:
            theme_words.update(set(tokens[index].words))
            theme_pairs.update(_compounds(tokens[index]))
        words.append(theme_words)
        pairs.append(theme_pairs)
        total.update(theme_words)
        total.update(theme_pairs)
    sizes = [len(members) for members in themes]
    return _Counts(words, pairs, total, sizes, sum(sizes))


def _ranked(counts: Counter[str], size: int, data: _Counts) -> list[tuple[str, float]]:
    """Shown-able terms of one theme, best first (ties broken by the term itself)."""
    scored = [
        (term, used / size * math.log(1.0 + data.n_items / data.total[term]))
        for term, used in counts.items()
        if used >= MIN_ITEMS_PER_WORD
    ]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))


def _best_compound(word: str, used: int, pairs: Counter[str]) -> str | None:
    candidates = [
        (count, term)
        for term, count in pairs.items()
        if word in term
        and count >= MIN_ITEMS_PER_WORD
        and count >= _COMPOUND_SHARE * used
        and term != word
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda pair: (pair[0], -len(pair[1]), pair[1]))[1]


def _heading_terms(theme: int, data: _Counts, limit: int) -> list[str]:
    """Up to ``limit`` non-overlapping terms for a theme's heading."""
    chosen: list[str] = []
    for word, _score in _ranked(data.words[theme], data.sizes[theme], data):
        if any(word in term or term in word for term in chosen):
            continue
        used = data.words[theme][word]
        term = _best_compound(word, used, data.pairs[theme]) or word
        if any(part in term or term in part for part in chosen):
            term = word
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def label_themes(tokens: Sequence[Tokens], themes: Sequence[Sequence[int]]) -> list[ThemeLabel]:
    """A label and keywords for each theme (lists of item indices into ``tokens``)."""
    data = _count(tokens, themes)
    seen: set[str] = set()
    labels: list[ThemeLabel] = []
    for theme in range(len(themes)):
        keywords = tuple(
            word for word, _ in _ranked(data.words[theme], data.sizes[theme], data)[:_KEYWORDS]
        )
        terms = _heading_terms(theme, data, _LABEL_TERMS)
        label = SEPARATOR.join(terms) or FALLBACK_LABEL
        if label in seen:  # two themes read alike: say a little more
            label = SEPARATOR.join(_heading_terms(theme, data, _LABEL_TERMS + 1)) or label
        base, number = label, 2
        while label in seen:
            label, number = f"{base}（{number}）", number + 1
        seen.add(label)
        labels.append(ThemeLabel(label, keywords))
    return labels
