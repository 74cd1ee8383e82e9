from cartqa.embedders import HashEmbedder
from cartqa.records import Chunk
from cartqa.retrieval import Retriever, closest_terms, reciprocal_rank_fusion

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


def test_empty_index_and_bad_k_return_nothing():
    e = HashEmbedder()
    import numpy as np

    assert Retriever([], np.zeros((0, 64), np.float32), e).search("anything") == []
    assert make().search("INT", k=0) == []


class _CountingEmbedder(HashEmbedder):
    """Counts calls to the model, as each costs ~15 ms on the real one."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def embed_passages(self, texts):
        self.calls.append(len(texts))
        return super().embed_passages(texts)


def test_warmed_words_are_compared_without_calling_the_model():
    from cartqa.semantic import Relatedness

    embedder = _CountingEmbedder()
    related = Relatedness(embedder)
    related.warm(["beds", "inpatient", "cell factories"])
    assert embedder.calls == [3]  # one batch
    assert related.best("beds", ["inpatient", "cell factories"]) < 1.0
    assert related.best("inpatient", ["beds", "inpatient"]) == 1.0
    assert embedder.calls == [3]  # every look-up served from the cache
    related.best("hospitalise", ["beds"])
    assert embedder.calls == [3, 1]  # only the new word


def test_an_engine_compares_corpus_words_with_no_model_call(tmp_path):
    from cartqa.extractive import compared_words
    from cartqa.grounding import CorpusView
    from cartqa.semantic import Relatedness

    text = "INT has 464 inpatient beds. The Institute was established in 1928."
    view = CorpusView([Chunk("d", text, 0, len(text))])
    assert {"inpatient beds", "established", "1928"} <= compared_words(view)
    embedder = _CountingEmbedder()
    related = Relatedness(embedder)
    related.warm(compared_words(view))
    before = len(embedder.calls)
    related.best("inpatient beds", ["established", "institute"])
    assert len(embedder.calls) == before
