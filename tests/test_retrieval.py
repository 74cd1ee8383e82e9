import os

from cartqa.index.embedders import HashEmbedder
from cartqa.records import Chunk
from cartqa.search.retrieval import Retriever, closest_terms, reciprocal_rank_fusion

TEXTS = ["The Pagencell project started in 2020.", "INT was established in 1928.",
         "IEO treats breast cancer.", "Humanitas has a CAR-T unit."]


def make():
    chunks = [Chunk("d", t, i * 100, i * 100 + len(t)) for i, t in enumerate(TEXTS)]
    e = HashEmbedder()
    return Retriever(chunks, e.embed_passages(TEXTS), e)


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]])
    assert list(fused)[0] == 1 and fused[1] > fused[3] > fused[2]


def test_search_ranks_the_matching_chunk_first():
    hits = make().search("When was INT established?", k=2)
    assert hits[0].chunk.text == TEXTS[1] and hits[0].rank == 1 and len(hits) == 2
    assert hits[0].score >= hits[1].score


def test_spelling_variants_are_expanded():
    r = make()
    assert "pagencel" in closest_terms("plagencel", r.vocabulary)
    assert r.search("When did Plagencell start?", k=1)[0].chunk.text == TEXTS[0]


class _TiesBackwards:
    """A vector store returning equal scores last chunk first (Milvus may; FAISS does not)."""

    def __init__(self, scores):
        self.scores = scores

    def search(self, query, k):
        import numpy as np

        order = sorted(range(len(self.scores)), key=lambda i: (-self.scores[i], -i))[:k]
        return np.array([[self.scores[i] for i in order]], np.float32), np.array([order])


def test_equal_dense_scores_rank_in_chunk_order_whatever_the_store_returns():
    texts = ["Smoke covers Sydney.", "Fog covers Hobart.", "Rain in Perth."]
    chunks = [Chunk(f"d{i}", t, 0, len(t)) for i, t in enumerate(texts)]
    e = HashEmbedder()
    r = Retriever(chunks, None, e, index=_TiesBackwards([0.5, 0.5, 0.1]))
    assert [h.chunk.doc for h in r.search("zzz", k=3)] == ["d0", "d1", "d2"]


def test_a_passage_filed_twice_is_one_hit_and_leaves_room_for_other_evidence():
    # the same story in three documents (case and spacing aside), and one other passage
    texts = ["Smoke covers Sydney.", "smoke  covers Sydney", "Smoke covers Sydney.", "Rain in Perth."]
    chunks = [Chunk(f"d{i}", t, 0, len(t)) for i, t in enumerate(texts)]
    r = Retriever(chunks, None, HashEmbedder(), index=_TiesBackwards([0.5, 0.5, 0.5, 0.1]))
    hits = r.search("Where does smoke cover?", k=2)
    assert [h.chunk.doc for h in hits] == ["d0", "d3"] and [h.rank for h in hits] == [1, 2]


def test_copies_ranked_in_a_different_order_by_each_search_are_one_passage_found_by_both():
    text = "Waugh has supported fast bowler Brett Lee."
    chunks = [Chunk("d0", text, 0, len(text), context="Brett Lee"), Chunk("d1", text, 0, len(text)),
              Chunk("d2", "Lee took three wickets.", 0, 23), Chunk("d3", "Waugh won the toss.", 0, 19)]
    # dense ranks the copy d1 first; BM25 ranks d0 first (its title repeats the question's words)
    r = Retriever(chunks, None, HashEmbedder(), index=_TiesBackwards([0.8, 0.9, 0.5, 0.4]))
    hits = r.search("Which bowler did Waugh support? Brett Lee", k=3)
    assert hits[0].chunk.doc == "d1" and hits[0].score == 1.0  # first in both rankings, as one passage
    assert [h.chunk.doc for h in hits].count("d0") == 0


def test_empty_index_and_bad_k_return_nothing():
    e = HashEmbedder()
    import numpy as np

    assert Retriever([], np.zeros((0, 64), np.float32), e).search("anything") == []
    assert make().search("INT", k=0) == []


def test_a_stored_bm25_index_searches_as_one_made_at_load(tmp_path):
    from cartqa.corpus.text import terms
    from cartqa.index.lexical import bm25_index, read_bm25, write_bm25

    made = make()
    write_bm25(tmp_path, bm25_index([terms(t) for t in TEXTS]))
    stored = Retriever(made.chunks, None, made.embedder, index=made._dense, bm25=read_bm25(tmp_path))
    assert stored.vocabulary == made.vocabulary and "pagencel" in stored.vocabulary
    for question in ("When was INT established?", "Plagencell", "breast cancer treatment", "zzz"):
        assert stored.search(question, k=4) == made.search(question, k=4)
    other = Retriever(made.chunks[:2], None, made.embedder, index=made._dense, bm25=read_bm25(tmp_path))
    assert "cancer" not in other.vocabulary, "an index of other chunks is not used"


def test_a_long_name_is_looked_up_in_the_chunks_in_any_case_and_spacing():
    text = "The Women Cancer  Center (WCC) opened.\nIt has 40 BEDS."
    chunks = [Chunk("d.txt", text[:38], 0, 38), Chunk("d.txt", text[39:], 39, 54)]
    r = Retriever(chunks, None, HashEmbedder())
    assert r.says("women cancer center") and r.says("it HAS 40 beds")
    assert not r.says("Women Cancer Centre") and not r.says("opened. It") and not r.says("")
    assert r.says("It has") and not r.says("It had")  # stop words alone: every chunk is searched


def test_closest_spellings_are_those_a_comparison_with_every_term_finds():
    import random

    from rapidfuzz import fuzz, process, utils

    from cartqa.search.retrieval import _closest

    rng = random.Random(3)
    letters = "abcdeéilmnorst-"
    vocabulary = frozenset("".join(rng.choice(letters) for _ in range(rng.randint(3, 16))) for _ in range(3000))
    vocabulary |= {"car-t", "pagencel", "plagencel", "12345", "tumours", "tumors"}
    queries = ["pagencell", "tumour", "car-tt", "123456", "ospedale", *(
        "".join(rng.choice(letters) for _ in range(rng.randint(5, 18))) for _ in range(300))]
    queries += [w[:-1] + "x" for w in rng.sample(sorted(vocabulary), 300) if len(w) >= 5]
    for query in queries:
        every = process.extract(query, sorted(vocabulary), scorer=fuzz.ratio, processor=utils.default_process,
                                score_cutoff=84, limit=2)
        expected = tuple(m[0] for m in every if not m[0].isdigit()) if len(query) >= 5 and not query.isdigit() else ()
        assert _closest.__wrapped__(query, vocabulary) == expected, query
    assert _closest.__wrapped__("pagencell", vocabulary)[0] == "pagencel"


def test_equally_close_spellings_are_the_same_in_every_process():
    """A set's order follows each process's string hashing: the terms taken among equally close ones
    (and so the hits and answers) changed from one run to the next."""
    import subprocess
    import sys

    code = ("from cartqa.search.retrieval import closest_terms\n"
            "print(closest_terms('13th-centuri', frozenset(f'{n}th-centuri' for n in range(14, 20))))")
    found = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                            capture_output=True, text=True, check=True).stdout for seed in range(6)}
    assert found == {"('14th-centuri', '15th-centuri')\n"}
