"""Hybrid retrieval: dense (inner product, FAISS or Milvus) and lexical (BM25) fused by reciprocal rank.

Dense search finds paraphrases; BM25 finds exact names and numbers that
MiniLM blurs. Query words missing from the corpus vocabulary are expanded to
close spellings ("Pagencell" -> "Plagencell") before BM25 scoring.

>>> from cartqa.index.embedders import HashEmbedder
>>> from cartqa.records import Chunk
>>> chunks = [Chunk("a", "INT was established in 1928.", 0, 28), Chunk("a", "IEO treats breast cancer.", 29, 54)]
>>> e = HashEmbedder()
>>> r = Retriever(chunks, e.embed_passages([c.text for c in chunks]), e)
>>> r.search("When was INT established?", k=1)[0].chunk.text
'INT was established in 1928.'
"""

from __future__ import annotations

import functools
import operator
import re
import threading
from collections.abc import Sequence

import numpy as np

from cartqa.corpus.chunking import passage
from cartqa.corpus.text import terms
from cartqa.index.embedders import Embedder
from cartqa.index.lexical import bm25_index, vocabulary
from cartqa.index.tables import EMPTY, VectorTable
from cartqa.records import Chunk, Hit

RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Fuse ranked id lists: ``score(d) = sum(1 / (k + rank))``, normalised so a unanimous first is 1.0.

    >>> reciprocal_rank_fusion([[2, 0], [2, 1]])
    {2: 1.0, 0: 0.4919354838709677, 1: 0.4919354838709677}
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    best = len(rankings) / (k + 1)
    return {d: s / best for d, s in sorted(scores.items(), key=lambda kv: -kv[1])}


_WORD = re.compile(r"\w+")


class Retriever:
    """Searches one index build; construct once per build and reuse across questions."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray | None, embedder: Embedder,
                 sentence_vectors: VectorTable = EMPTY, index=None,
                 chunk_terms: Sequence[list[str]] | None = None, bm25=None) -> None:
        """``sentence_vectors``: the index's vectors of the corpus sentences, so none is embedded again;
        ``index``: the build's searchable vectors (anything searched like FAISS, ``search(queries, k) ->
        (scores, rows)``: a FAISS index, or the store's ``DenseIndex``), else an exact FAISS index of
        ``vectors`` is made;
        ``bm25``: the BM25 index the build stored (cartqa.index.lexical), else one is made of
        ``chunk_terms``, each chunk's BM25 terms as the build stored them, else computed here."""
        self.chunks = chunks
        self.embedder = embedder
        if index is None:
            import faiss

            vectors = np.zeros((0, embedder.dim), np.float32) if vectors is None else vectors
            index = faiss.IndexFlatIP(vectors.shape[1] if vectors.ndim == 2 else embedder.dim)
            if len(vectors):
                index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self._dense = index
        if bm25 is None or getattr(bm25, "scores", {}).get("num_docs") != len(chunks):
            if chunk_terms is None or len(chunk_terms) != len(chunks):
                chunk_terms = [terms(passage(c)) for c in chunks]
            bm25 = bm25_index(chunk_terms)
        self._bm25 = bm25
        self.vocabulary = vocabulary(bm25)
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._stored = sentence_vectors
        self._lock = threading.Lock()

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The ``k`` best chunks for ``question``, best first."""
        if not self.chunks or k <= 0:
            return []
        pool = min(len(self.chunks), max(k * 4, 20))
        query = self.embedder.embed_query(question).reshape(1, -1).astype(np.float32)
        scores, dense = self._dense.search(query, pool)
        # Equal scores in chunk order: documents repeat passages (a news story filed twice), and
        # FAISS and Milvus return such ties in different orders (43 of 1,642 fused top 3s differed).
        rankings = [[int(i) for _, i in sorted((-float(s), int(i)) for s, i in zip(scores[0], dense[0]) if i >= 0)]]
        query_terms = self.expand(terms(question))
        if query_terms:
            scores = self._bm25.get_scores(query_terms)
            order = np.argsort(-scores)[:pool]
            rankings.append([int(i) for i in order if scores[i] > 0])
        fused = reciprocal_rank_fusion(self._distinct(rankings))
        return [Hit(self.chunks[i], score, rank) for rank, (i, score) in enumerate(list(fused.items())[:k], start=1)]

    def _distinct(self, rankings: list[list[int]]) -> list[list[int]]:
        """``rankings`` with each passage once: a chunk whose words (in order, any case) another has
        stands for the copy met first, the dense ranking's (with the title nearest the question).

        A passage written twice (a story filed again, a document copied into another) is one
        passage: its copies pushed other evidence out of both rankings and the top k (at 10,000
        documents, 3 of the seed's 95 questions). Every ranking names the same copy, so the
        passage keeps the fused score of being in both.
        """
        first: dict[str, int] = {}
        out = []
        for ranking in rankings:
            kept: dict[int, None] = {}
            for i in ranking:
                kept.setdefault(first.setdefault(" ".join(_WORD.findall(self.chunks[i].text.lower())), i))
            out.append(list(kept))
        return out

    def says(self, phrase: str) -> bool:
        """Do the chunks write ``phrase``, in any case and spacing? (A long name inside a sentence
        is whole in one chunk: chunks overlap by a sentence.)

        Only the chunks BM25 finds every content word of the phrase in are searched: at 10,000
        documents, joining the corpus into one lower-case string took 7.9 s and 1.7 GB, and
        searching all 210,677 chunks ~1 s.

        >>> from cartqa.index.embedders import HashEmbedder
        >>> r = Retriever([Chunk("a", "Its Women Cancer\\n Center opened.", 0, 33)], None, HashEmbedder())
        >>> r.says("women cancer center"), r.says("Cancer Centre"), r.says("the")
        (True, False, False)
        """
        words = phrase.split()
        if not words:
            return False
        pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
        candidates = None
        for term in set(terms(phrase)):
            found = set(np.flatnonzero(self._bm25.get_scores([term])).tolist())
            candidates = found if candidates is None else candidates & found
        chosen = range(len(self.chunks)) if candidates is None else sorted(candidates)
        return any(pattern.search(self.chunks[i].text) for i in chosen)

    def expand(self, query_terms: list[str]) -> list[str]:
        """Add the closest corpus spelling of query terms the corpus does not contain."""
        out = list(query_terms)
        for term in query_terms:
            if term not in self.vocabulary:
                out.extend(closest_terms(term, self.vocabulary))
        return out

    def warm_sentences(self, sentences: Sequence[str]) -> None:
        """Embed the sentences not yet cached, in one batch."""
        with self._lock:
            missing = [s for s in dict.fromkeys(sentences) if s not in self._sentence_vectors]
            for s in [s for s in missing if s in self._stored]:
                self._sentence_vectors[s] = self._stored.get(s)
            missing = [s for s in missing if s not in self._sentence_vectors]
            if missing:
                for s, v in zip(missing, self.embedder.embed_passages(missing)):
                    self._sentence_vectors[s] = v

    def sentence_similarity(self, question: str, sentences: Sequence[str]) -> list[float]:
        """Cosine similarity of ``question`` to each sentence (sentence vectors cached)."""
        self.warm_sentences(sentences)
        with self._lock:
            matrix = np.stack([self._sentence_vectors[s] for s in sentences]) if sentences else None
        if matrix is None:
            return []
        query = self.embedder.embed_query(question)
        return [float(x) for x in matrix @ query]


@functools.lru_cache(maxsize=4096)
def _closest(term: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    from rapidfuzz import fuzz, process, utils

    if len(term) < 5 or term.isdigit():
        return ()
    query = utils.default_process(term)
    terms, processed, lengths = _processed(vocabulary)
    # fuzz.ratio is at most 200 * min(a, b) / (a + b) for lengths a and b: a term of any other length
    # cannot reach the cutoff, so only these are compared (in sorted order, so ties fall as they
    # do when every term is): 14 -> 2.2 ms a misspelt term at 1,000 documents (31,459
    # terms, beside a build), the same terms found for 318 of them.
    near = np.flatnonzero(200 * np.minimum(lengths, len(query)) >= 84 * (lengths + len(query))).tolist()
    if not near:
        return ()
    pick = operator.itemgetter(*near) if len(near) > 1 else lambda seq: (seq[near[0]],)
    matches = process.extract(query, pick(processed), scorer=fuzz.ratio, processor=None, score_cutoff=84, limit=2)
    found = pick(terms)
    return tuple(found[i] for _, _, i in matches if not found[i].isdigit())


@functools.lru_cache(maxsize=2)
def _processed(vocabulary: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    """The vocabulary's terms, each as rapidfuzz's default processor leaves it, and that length:
    processed once, not at every call."""
    from rapidfuzz import utils

    # Sorted: a set's order changes with each process's string hashing, and equally close terms
    # ("13th-century" -> 15th / 16th / 18th) were taken in that order, so answers changed between runs.
    terms = tuple(sorted(vocabulary))
    processed = tuple(utils.default_process(t) for t in terms)
    processed = tuple(t if p == t else p for t, p in zip(terms, processed))  # one string where they agree
    return terms, processed, np.array([len(p) for p in processed], dtype=np.int64)


def closest_terms(term: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """Corpus terms spelt like ``term`` (edit ratio >= 84%): ``pagencel`` -> ``plagencel``."""
    return _closest(term, vocabulary)
