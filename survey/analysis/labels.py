"""Theme headings a committee member would write, never showing a rare word.

**Heading.** A short phrase the theme's own items wrote: a stretch of two to
five consecutive words (值班 备勤 压力 大 → 「值班备勤压力大」, 谈心谈话 制度 未
落实 → 「谈心谈话制度未落实」) that at least two items of the theme contain,
three to twelve characters long, without punctuation, digits, Latin letters, a
person's name or a title of office, holding one of the theme's two best
keywords and used by at least a third as many items as the best keyword (so
that it heads the theme, not a corner of it). Among such phrases the best is
the one most used in the theme and least outside it (``used · log(1 + n /
df)``), the longer winning a tie. When
no phrase is shared, the heading names the theme's best one or two words:
「值班、警力等方面」.

**Keywords.** Three to five content words, best first, by class-based TF-IDF: a
word's weight for a theme is the share of the theme's items that use it times
``log(1 + n / df)``.

**The rare-word rule.** A word that fewer than two items of the theme use is
never shown, neither in the heading nor among the keywords: a word only one
person wrote can point at that person. A phrase is shown only when two items
contain the whole phrase. A theme without such a word is read again with its
compounds by their parts (教学楼, 教学区 → 教学; 工作作风, 领导作风 → 作风:
「作风不够实」); without one then either, it is headed 其他意见.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from survey.analysis.tokens import Tokens, compound_head, compound_parts
from survey.analysis.vocabulary import STOP_WORDS, TITLES

__all__ = ["FALLBACK_LABEL", "MIN_ITEMS_PER_WORD", "ThemeLabel", "label_themes"]

MIN_ITEMS_PER_WORD = 2
FALLBACK_LABEL = "其他意见"
_KEYWORDS = 5
_PHRASE_WORDS = (2, 5)  # words in a heading phrase, inclusive
_PHRASE_CHARS = (3, 12)
_LONG_ENOUGH = 8  # characters from which a phrase is no better for being longer
_COVERAGE = 3  # a heading phrase is used by at least 1/3 as many items as the best word
_TOP_WORDS = 2  # a heading phrase holds one of the theme's two best words
# Words a heading never starts or ends with: they lean on a neighbour outside it.
_LOOSE_EDGE_WORDS = """
    的 地 得 了 着 过 和 与 及 或 跟 同 在 对 把 被 让 给 从 向 为 是 有 也 都 就 还 又 再 只 却
    并 而 则 等 很 太 更 最 要 能 会 可以 应该 我们 我 你们 你 他们 他 她 大家 自己 这 那
    这个 那个 一些 有些 有的 个别 比较 非常 特别 十分 不 没 没有 希望 建议 以 用 将 按 由 于
    存在 出现 导致 造成 缺乏 更多 甚至 是否 具有 相当 已 已经 仍 仍然 往往 经常 总是 一直
    中 时 上 里 后 前 过程 数量
"""
_LOOSE_EDGE = frozenset(_LOOSE_EDGE_WORDS.split())
# … and words a heading never starts with, though it may end with them (材料太多, not 多听听).
_LOOSE_START = _LOOSE_EDGE | {"多", "少"}
# Words that open a noun phrase of their own (有的法院, 一些同志): a heading never holds one,
# not even inside, where it joins two stretches the segmenter ran together (立案时有的法院).
_OPENER_WORDS = "有的 有些 一些 个别 部分 少数 极少数 某些 时有 多数 大部分"
_OPENERS = frozenset(_OPENER_WORDS.split())
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class ThemeLabel:
    label: str
    keywords: tuple[str, ...]


# Function and degree words (even, whether, quite …) that say nothing of what a theme is about.
# Left out of headings and keywords only: as features they are harmless, and the grouping
# measured in docs/analysis.md §5 stays the one measured.
_NEVER_SHOWN_WORDS = """
    甚至 是否 具有 时有 相当 仍然 仍 已 极少数 某些 难以
    遇到 碰到 听听 看看 说说 想想 主义 更好
"""
_NEVER_SHOWN = frozenset(_NEVER_SHOWN_WORDS.split())


def _shown(word: str) -> bool:
    """A word that may appear in a heading or among keywords at all."""
    return not _LATIN_OR_DIGIT.search(word) and word not in TITLES and word not in _NEVER_SHOWN


def _phrases(doc: Tokens) -> set[str]:
    """Heading candidates of one item (see the module docstring)."""
    content = set(doc.words)
    low, high = _PHRASE_WORDS
    found: set[str] = set()
    for segment in doc.segments:
        for start in range(len(segment)):
            if segment[start] in _LOOSE_START:
                continue
            for end in range(start + low, min(start + high, len(segment)) + 1):
                words = segment[start:end]
                if words[-1] in _LOOSE_EDGE or not all(_shown(word) for word in words):
                    continue
                if _OPENERS.intersection(words):
                    break
                phrase = "".join(words)
                if _PHRASE_CHARS[0] <= len(phrase) <= _PHRASE_CHARS[1] and content.intersection(
                    words
                ):
                    found.add(phrase)
    return found


@dataclass
class _Counts:
    words: list[Counter[str]]  # per theme: items using each content word
    phrases: list[Counter[str]]  # per theme: items holding each phrase
    total: Counter[str]  # items using each word or phrase, over all themes
    sizes: list[int]
    n_items: int


def _count(tokens: Sequence[Tokens], themes: Sequence[Sequence[int]]) -> _Counts:
    words: list[Counter[str]] = []
    phrases: list[Counter[str]] = []
    total: Counter[str] = Counter()
    for members in themes:
        theme_words: Counter[str] = Counter()
        theme_phrases: Counter[str] = Counter()
        for index in members:
            theme_words.update(word for word in set(tokens[index].words) if _shown(word))
            theme_phrases.update(_phrases(tokens[index]))
        words.append(theme_words)
        phrases.append(theme_phrases)
        total.update(theme_words)
        total.update(theme_phrases)
    sizes = [len(members) for members in themes]
    return _Counts(words, phrases, total, sizes, sum(sizes))


def _specificity(term: str, data: _Counts) -> float:
    return math.log(1.0 + data.n_items / data.total[term])


def _ranked_words(theme: int, data: _Counts) -> list[str]:
    """Shown-able content words of one theme, best first (ties: the word itself)."""
    size = data.sizes[theme]
    scored = [
        (used / size * _specificity(word, data), word)
        for word, used in data.words[theme].items()
        if used >= MIN_ITEMS_PER_WORD and word not in STOP_WORDS
    ]
    return [word for _, word in sorted(scored, key=lambda pair: (-pair[0], pair[1]))]


def _ranked_phrases(theme: int, data: _Counts, words: list[str]) -> list[str]:
    """Heading phrases of one theme, best first: phrases that hold one of the
    theme's best words and that at least a third as many items use as use its
    best word (a phrase three items of sixty share heads nothing)."""
    if not words:
        return []
    needed = max(MIN_ITEMS_PER_WORD, math.ceil(data.words[theme][words[0]] / _COVERAGE))
    top = words[:_TOP_WORDS]

    def holds_top_word(phrase: str) -> bool:
        return any(word in phrase for word in top)

    def key(item: tuple[str, int]) -> tuple[float, int, str]:
        phrase, used = item
        score = round(used * _specificity(phrase, data), 9)
        return (-score, -min(len(phrase), _LONG_ENOUGH), phrase)

    shared = [
        item
        for item in data.phrases[theme].items()
        if item[1] >= needed and holds_top_word(item[0])
    ]
    return [phrase for phrase, _ in sorted(shared, key=key)]


def _headings(theme: int, data: _Counts) -> list[str]:
    """Heading candidates for one theme, best first; never empty."""
    words = _ranked_words(theme, data)
    candidates = _ranked_phrases(theme, data, words)
    if words:
        candidates.append(f"{'、'.join(words[:2])}等方面" if len(words) > 1 else f"{words[0]}方面")
    return candidates or [FALLBACK_LABEL]


def _headed(doc: Tokens) -> Tokens:
    """``doc`` with each compound read by its parts: its words with the dictionary words inside
    them (教学楼 → 教学; tokens.compound_parts), and its stretches from each compound on,
    starting with the compound's head, so that a phrase stays a piece of the item's text
    (领导作风 不够 实 → 作风不够实)."""
    words = tuple(part for word in doc.words for part in (*compound_parts(word), word))
    segments = tuple(
        (head, *segment[position + 1 :])
        for segment in doc.segments
        for position, word in enumerate(segment)
        if (head := compound_head(word))
    )
    return Tokens(words, doc.runs, segments)


def label_themes(tokens: Sequence[Tokens], themes: Sequence[Sequence[int]]) -> list[ThemeLabel]:
    """A heading and keywords for each theme (lists of item indices into ``tokens``).

    A theme whose items share no word that may be shown is read again with compounds by their
    parts (工作作风 and 领导作风 share 作风) before it falls back to 其他意见; only then, so that
    形式主义 and 官僚主义 stay themselves wherever a theme has words of its own.
    """
    data = _count(tokens, themes)
    headed: _Counts | None = None
    seen: set[str] = set()
    labels: list[ThemeLabel] = []
    for theme in range(len(themes)):
        chosen = data
        if not _ranked_words(theme, data):
            headed = headed or _count([_headed(doc) for doc in tokens], themes)
            chosen = headed
        keywords = tuple(_ranked_words(theme, chosen)[:_KEYWORDS])
        candidates = _headings(theme, chosen)
        label = next((heading for heading in candidates if heading not in seen), candidates[0])
        base, number = label, 2
        while label in seen:  # two themes read alike
            label, number = f"{base}（{number}）", number + 1
        seen.add(label)
        labels.append(ThemeLabel(label, keywords))
    return labels
