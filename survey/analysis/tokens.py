"""Words and character pairs of normalised opinion text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from survey.analysis.vocabulary import DOMAIN_WORDS, STOP_WORDS

__all__ = [
    "Tokens",
    "char_bigrams",
    "compound_head",
    "compound_parts",
    "han_characters",
    "tokenise",
]

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]*[a-z][a-z0-9]*")


# Part-of-speech tags of personal names (jieba's tag set): a name is never a
# feature or a heading word. A theme is about a matter, never about a person.
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})


class _Segmenter(Protocol):
    def tag(self, text: str) -> list[tuple[str, str]]: ...

    def cut_for_search(self, text: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Tokens:
    """The content words of one text, in order, and the words that precede each.

    ``words`` keeps only words that can say what an opinion is about: at least
    two characters, not a stop word, not a number, not a person's name.
    ``runs`` groups the words that stood next to each other in the text, so
    that compounds such as 值班 + 备勤 can be offered as label candidates.
    ``segments`` are the text's words of every kind, stop words included, in
    stretches that no punctuation, name or number interrupts: the material of
    phrase headings (值班 备勤 压力 大).
    """

    words: tuple[str, ...]
    runs: tuple[tuple[str, ...], ...]
    segments: tuple[tuple[str, ...], ...] = ()


@lru_cache(maxsize=1)
def _segmenter() -> _Segmenter:
    """A private rjieba instance that knows the branch's own terms."""
    import rjieba

    segmenter = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        segmenter.add_word(word, None, None)
    return segmenter


def _is_content(word: str) -> bool:
    if word in STOP_WORDS or len(word) < 2:
        return False
    if _HAN.search(word):
        return True
    return bool(_ASCII_WORD.fullmatch(word))


def _breaks_segment(word: str, tag: str) -> bool:
    return tag in _NAME_TAGS or (not _HAN.search(word) and not _ASCII_WORD.fullmatch(word))


def tokenise(text: str) -> Tokens:
    """Content words of a normalised ``text`` (ASCII words lowercased)."""
    words: list[str] = []
    runs: list[list[str]] = [[]]
    segments: list[list[str]] = [[]]
    for raw, tag in _segmenter().tag(text):
        word = raw.lower() if raw.isascii() else raw
        if _breaks_segment(word, tag):
            runs.append([])
            segments.append([])
            continue
        segments[-1].append(word)
        if _is_content(word):
            words.append(word)
            runs[-1].append(word)
        else:
            runs.append([])
    return Tokens(
        tuple(words),
        tuple(tuple(run) for run in runs if run),
        tuple(tuple(segment) for segment in segments if segment),
    )


@lru_cache(maxsize=65_536)
def compound_head(word: str) -> str | None:
    """The head of a compound the segmenter knows as one word: its last part, when the word is
    exactly two words of the dictionary (工作作风 → 作风, 值班备勤室 → 备勤室, 民警谈心谈话 →
    谈心谈话); None otherwise. Items that write 工作作风 and 领导作风 share no word, but share
    their head, which a heading can name."""
    if len(word) < 4 or not _HAN.match(word):
        return None
    parts = set(_segmenter().cut_for_search(word))
    for cut in range(2, len(word) - 1):
        if word[:cut] in parts and word[cut:] in parts:
            return word[cut:]
    return None


@lru_cache(maxsize=65_536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The dictionary words of two characters or more inside a longer word (教学楼 → 教学;
    工作作风 → 工作, 作风), in the segmenter's order; empty for a word of two characters."""
    if len(word) < 3 or not _HAN.match(word):
        return ()
    parts = _segmenter().cut_for_search(word)
    return tuple(dict.fromkeys(part for part in parts if len(part) >= 2 and part != word))


def char_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Chinese characters, within runs of them."""
    return [run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)]


def han_characters(text: str) -> list[str]:
    """The Chinese characters of ``text``, in order."""
    return _HAN.findall(text)
