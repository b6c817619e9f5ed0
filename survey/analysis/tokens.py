"""Words and character pairs of normalised opinion text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from survey.analysis.vocabulary import DOMAIN_WORDS, STOP_WORDS

__all__ = ["Tokens", "char_bigrams", "tokenise"]

_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]*[a-z][a-z0-9]*")


class _Segmenter(Protocol):
    def cut(self, text: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Tokens:
    """The content words of one text, in order, and the words that precede each.

    ``words`` keeps only words that can say what an opinion is about: at least
    two characters, not a stop word, not a number. ``runs`` groups the words
    that stood next to each other in the text, so that compounds such as
    值班 + 备勤 can be offered as label candidates.
    """

    words: tuple[str, ...]
    runs: tuple[tuple[str, ...], ...]


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


def tokenise(text: str) -> Tokens:
    """Content words of a normalised ``text`` (ASCII words lowercased)."""
    words: list[str] = []
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for raw in _segmenter().cut(text):
        word = raw.lower() if raw.isascii() else raw
        if _is_content(word):
            words.append(word)
            run.append(word)
        elif run:
            runs.append(tuple(run))
            run = []
    if run:
        runs.append(tuple(run))
    return Tokens(tuple(words), tuple(runs))


def char_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Chinese characters, within runs of them."""
    return [run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)]
