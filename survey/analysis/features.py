"""Sparse TF-IDF features and a dense LSA embedding of opinion items.

Three views of a text are combined: its Chinese characters, its character
pairs, and its content words (after segmentation and stop words). Characters
and pairs catch what the segmenter cuts differently (备勤室 / 备勤 + 室) and
short opinions that share no whole word; measured on published lists
(docs/analysis.md §5), characters and pairs at full weight with words at half
group better than words first. Each view is TF-IDF weighted with sublinear
term frequency and L2-normalised. Features used by a single item are dropped: they cannot group
anything. The embedding is a truncated SVD (latent semantic analysis) fitted on
at most ``_SVD_SAMPLE`` distinct items, so words that occur together pull items
together even when two items share no word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from survey.analysis.tokens import Tokens, char_bigrams, han_characters

__all__ = ["Features", "build_features"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

_CHAR_WEIGHT = 1.0
_BIGRAM_WEIGHT = 1.0
_WORD_WEIGHT = 0.5
_MIN_DF = 2
_SVD_MIN_DIMENSIONS = 40
_SVD_MAX_DIMENSIONS = 100
_SVD_SAMPLE = 20_000


@dataclass(frozen=True)
class Features:
    """Rows follow the input texts; rows of items with no feature are zero."""

    embedding: FloatArray  # n × d, unit rows (zero rows without content)
    has_content: NDArray[np.bool_]  # n


def _counts(docs: Iterable[Iterable[str]], n_docs: int) -> sparse.csr_matrix:
    """A document × feature count matrix; features used by one document dropped."""
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    values: list[int] = []
    for doc in docs:
        for feature, count in Counter(doc).items():
            indices.append(vocabulary.setdefault(feature, len(vocabulary)))
            values.append(count)
        indptr.append(len(indices))
    shape = (n_docs, max(len(vocabulary), 1))
    matrix = sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
        shape=shape,
    )
    df = np.bincount(matrix.indices, minlength=shape[1])
    return matrix[:, np.flatnonzero(df >= _MIN_DF)].tocsr()


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Sublinear TF times smooth IDF, rows scaled to unit length."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    weighted = counts.copy()
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted @ sparse.diags(idf)
    return _unit_rows(sparse.csr_matrix(weighted))


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _dimensions(n_distinct: int) -> int:
    """Dimensions grow with the square root of the items, from 40 (measured on the
    published lists' tune split: 12, 40, 60 and 100 tried) to 100."""
    scaled = round(np.sqrt(n_distinct) / 1.5)
    return int(np.clip(scaled, _SVD_MIN_DIMENSIONS, _SVD_MAX_DIMENSIONS))


def _embed(matrix: sparse.csr_matrix, distinct: IntArray, seed: int) -> FloatArray:
    """LSA: project onto the leading singular vectors, then unit rows.

    The SVD is fitted on distinct rows only (``distinct`` holds one row per
    distinct text), at most ``_SVD_SAMPLE`` of them.
    """
    from sklearn.decomposition import TruncatedSVD

    dimensions = min(_dimensions(len(distinct)), len(distinct) - 1, matrix.shape[1] - 1)
    if dimensions < 2:  # two distinct texts or fewer: nothing to reduce
        return np.asarray(matrix.todense(), dtype=np.float64)
    rng = np.random.default_rng(seed)
    if len(distinct) > _SVD_SAMPLE:
        distinct = np.sort(rng.choice(distinct, size=_SVD_SAMPLE, replace=False))
    svd = TruncatedSVD(n_components=dimensions, n_iter=5, random_state=seed)
    # Near-identical texts have zero total variance: scikit-learn then divides by zero for
    # explained_variance_ratio_, which nothing here reads. The projection itself is sound.
    with np.errstate(divide="ignore", invalid="ignore"):
        svd.fit(matrix[distinct])
    embedding = np.asarray(svd.transform(matrix), dtype=np.float64)
    norms = np.linalg.norm(embedding, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return embedding / norms


def _distinct(texts: Sequence[str]) -> IntArray:
    """Index of the first occurrence of each distinct text, ascending."""
    first: dict[str, int] = {}
    for index, text in enumerate(texts):
        first.setdefault(text, index)
    return np.fromiter(first.values(), dtype=np.int64, count=len(first))


def build_features(texts: Sequence[str], tokens: Sequence[Tokens], *, seed: int) -> Features:
    """Embed normalised ``texts`` whose content words are ``tokens``."""
    n_docs = len(texts)
    views = (
        (_CHAR_WEIGHT, _counts((han_characters(text) for text in texts), n_docs)),
        (_BIGRAM_WEIGHT, _counts((char_bigrams(text) for text in texts), n_docs)),
        (_WORD_WEIGHT, _counts((doc.words for doc in tokens), n_docs)),
    )
    combined = sparse.hstack([weight * _tfidf(counts) for weight, counts in views], format="csr")
    has_content = np.diff(combined.indptr) > 0
    embedding = _embed(_unit_rows(combined), _distinct(texts), seed)
    embedding[~has_content] = 0.0
    return Features(embedding=embedding, has_content=has_content)
