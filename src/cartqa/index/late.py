"""Late chunking: each sentence's vector from the token vectors of a chunk that holds it.

A build embedded every chunk, then every corpus sentence again alone: at 100 documents as many
sentences again as chunk text, and as long. Here the transformer runs once per chunk; the chunk's
vector is sentence-transformers' own (mean of the output tokens over the attention mask,
normalised), and a sentence inside it averages only the tokens whose character offsets fall inside
the sentence, so it is read in its chunk's context (the sentence before it, usually).

Where a sentence comes from (:func:`sentence_homes`): the chunk whose whole text it is (its vector
is then the chunk's, as before), else the first chunk in document order that holds it whole. A
sentence no chunk holds whole (one cut at words to fit the budget) is embedded alone, as is every
sentence with an embedder this does not reproduce (:func:`supports`: the hash fake, e5).

>>> token_groups([(0, 0), (0, 3), (4, 7), (7, 8), (9, 11), (11, 12), (0, 0)], [(0, 8), (9, 12)])
[[1, 2, 3], [4, 5]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cartqa.corpus.chunking import documents
from cartqa.corpus.sentences import sentence_spans
from cartqa.records import Chunk

# Chunks per transformer call: sentence-transformers' own batch for texts of this length.
BATCH = 32


def token_groups(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """For each character span, the tokens whose offsets fall inside it (special and padding
    tokens, at ``(0, 0)``, never do). A span running past the last token (the text was truncated
    to the model's length) gets none: half a sentence is not its vector.

    >>> token_groups([(0, 0), (0, 5), (6, 9), (0, 0)], [(0, 5), (6, 12)])   # truncated after "abc"
    [[1], []]
    """
    real = [(i, s, e) for i, (s, e) in enumerate(offsets) if e > s]
    last = max((e for _, _, e in real), default=0)
    return [[i for i, s, e in real if start <= s and e <= end] if end <= last else [] for start, end in spans]


def pool(tokens: np.ndarray, mask: np.ndarray, groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, list]:
    """The chunk's vector (mean over ``mask``, as sentence-transformers' Pooling) and each group's
    (mean of its tokens), normalised; None for an empty group. ``tokens``: (length, dim).

    >>> chunk, parts = pool(np.array([[1.0, 0], [0, 1], [0, 3], [9, 9]]), np.array([1, 1, 1, 0]), [[0], [1, 2], []])
    >>> [round(x, 3) for x in chunk.tolist()], [p if p is None else p.tolist() for p in parts]
    ([0.243, 0.97], [[1.0, 0.0], [0.0, 1.0], None])
    """
    chunk = (tokens * mask[:, None]).sum(0) / max(float(mask.sum()), 1e-9)
    parts = [_unit(tokens[list(g)].mean(0)) if len(g) else None for g in groups]
    return _unit(chunk), parts


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


@dataclass(frozen=True)
class Home:
    """Where a sentence's vector comes from: chunk ``chunk`` (an index into the build's chunks),
    characters ``start:end`` of its text."""

    text: str
    chunk: int
    start: int
    end: int


def sentence_homes(chunks: Sequence[Chunk], wanted: Callable[[str], bool]) -> list[Home]:
    """A home for each distinct sentence text the reader sees (cartqa.index.annotate.sentence_texts)
    that ``wanted`` accepts and a chunk holds whole; document order.

    >>> cs = [Chunk("d", "One. Two.", 0, 9), Chunk("d", "Two. Three.", 5, 16), Chunk("d", "Three.", 10, 16)]
    >>> [(h.text, h.chunk, h.start, h.end) for h in sentence_homes(cs, lambda t: True)]
    [('One.', 0, 0, 4), ('Two.', 0, 5, 9), ('Three.', 2, 0, 6)]
    """
    whole: dict[str, int] = {}
    for i, c in enumerate(chunks):  # a sentence that is a whole chunk takes that chunk's vector
        whole.setdefault(c.text, i)
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        by_doc.setdefault(c.doc, []).append(i)
    homes: dict[str, Home] = {}
    for doc, text in documents(chunks).items():
        order = sorted(by_doc[doc], key=lambda i: (chunks[i].start, chunks[i].end))
        j = 0
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if sentence in homes or not wanted(sentence):
                continue
            if sentence in whole:
                homes[sentence] = Home(sentence, whole[sentence], 0, len(sentence))
                continue
            # Chunks end in document order, so the first that ends at or after the sentence is the
            # only one that can hold it first; the pointer never goes back.
            while j < len(order) and chunks[order[j]].end < e:
                j += 1
            if j < len(order) and chunks[order[j]].start <= s:
                c = chunks[order[j]]
                if c.text[s - c.start:e - c.start] == sentence:
                    homes[sentence] = Home(sentence, order[j], s - c.start, e - c.start)
    return list(homes.values())


def supports(model) -> bool:
    """Does :func:`encode` reproduce ``model`` (a SentenceTransformer)? A transformer with a fast
    tokenizer (it gives character offsets), mean pooling, and nothing else but normalisation."""
    names = [type(m).__name__ for m in model]
    if names[:2] != ["Transformer", "Pooling"] or names[2:] not in ([], ["Normalize"]):
        return False
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None) or getattr(pooling, "get_pooling_mode_str", lambda: "")()
    mean = mode == "mean"
    return bool(mean and getattr(model.tokenizer, "is_fast", False) and hasattr(model[0], "auto_model"))


def encode(model, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> tuple[np.ndarray, list[list]]:
    """Each text's vector (as ``model.encode(..., normalize_embeddings=True)``) and the vectors of
    its ``spans`` (None for a span cut off by the model's length), one transformer pass per text,
    in batches of similar length."""
    import torch

    vectors: list = [None] * len(texts)
    parts: list[list] = [[] for _ in texts]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for b in range(0, len(order), BATCH):
        batch = order[b:b + BATCH]
        # The tokenizer call sentence-transformers makes, plus the offsets it drops.
        features = model.tokenizer([texts[i] for i in batch], padding=True, truncation="longest_first",
                                   max_length=model.max_seq_length, return_offsets_mapping=True, return_tensors="pt")
        offsets = features.pop("offset_mapping").tolist()
        with torch.inference_mode():
            tokens = model[0].auto_model(**features).last_hidden_state.float().numpy()
        mask = features["attention_mask"].numpy().astype(np.float32)
        for row, i in enumerate(batch):
            vectors[i], parts[i] = pool(tokens[row], mask[row], token_groups(offsets[row], spans[i]))
            # A sentence that is the whole chunk keeps the chunk's vector: its own, embedded alone.
            parts[i] = [vectors[i] if span == (0, len(texts[i])) else p for span, p in zip(spans[i], parts[i])]
    return np.asarray(vectors, np.float32), parts


def late_vectors(chunks: Sequence[Chunk], run: Sequence[int], homes: Sequence[Home], embed_late,
                 step: Callable[[int, int], None] = lambda done, total: None,
                 batch: int = 256) -> tuple[dict[int, np.ndarray], dict[str, np.ndarray]]:
    """Run the chunks ``run`` (indices into ``chunks``) and every home's chunk through ``embed_late``
    (an embedder's :meth:`embed_late`), shortest first, ``batch`` chunks a call so progress moves.
    Returns the vectors of the ``run`` chunks by index and the homed sentences' vectors by text
    (a sentence the model's length cut off is left out: it is embedded alone).

    >>> cs = [Chunk("d", "One. Two.", 0, 9)]
    >>> fake = lambda texts, spans: (np.ones((len(texts), 2)), [[np.full(2, 0.5 * len(sp))] for sp in spans])
    >>> vectors, sentences = late_vectors(cs, [0], [Home("Two.", 0, 5, 9)], fake)
    >>> vectors[0].tolist(), sentences["Two."].tolist()
    ([1.0, 1.0], [0.5, 0.5])
    """
    spans: dict[int, list[Home]] = {i: [] for i in run}
    for h in homes:
        spans.setdefault(h.chunk, []).append(h)
    order = sorted(spans, key=lambda i: len(chunks[i].text))
    wanted = set(run)
    vectors: dict[int, np.ndarray] = {}
    sentences: dict[str, np.ndarray] = {}
    for b in range(0, len(order), batch):
        step(b, len(order))
        ids = order[b:b + batch]
        chunk_vectors, parts = embed_late([chunks[i].text for i in ids],
                                          [[(h.start, h.end) for h in spans[i]] for i in ids])
        for i, v, vs in zip(ids, chunk_vectors, parts):
            if i in wanted:
                vectors[i] = v
            sentences.update((h.text, s) for h, s in zip(spans[i], vs) if s is not None)
    step(len(order), len(order))
    return vectors, sentences
