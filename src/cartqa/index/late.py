"""Late chunking: each sentence's vector from the token vectors of a chunk that holds it.

A build embedded every chunk, then every corpus sentence and every list member's reading again
alone: at 100 documents 36 s of a 103 s build, more than the chunks' 32 s. Here the transformer
runs once per chunk: the chunk's vector is the embedder's own (mean of the output tokens over
the attention mask, normalised), and a sentence inside it averages only the tokens whose
character offsets fall inside the sentence, so it is read in its chunk's context (its title
and the sentence before it, usually). A reading ("what announces a list: one member",
cartqa.corpus.enumerations) averages the tokens of its two parts.

Where a sentence comes from (:func:`sentence_homes`): the chunk whose whole text it is (its vector
is then the chunk's, as before), else the first chunk in document order that holds it whole. A
sentence no chunk holds whole (one cut at words to fit the budget, a table written as one long
"sentence") is read from each chunk holding a part of it, the parts' vectors averaged by their
length; so are its list readings. An embedder that cannot do this (the hash fake, e5) embeds
every sentence alone.

>>> token_groups([(0, 0), (0, 3), (4, 7), (7, 8), (9, 11), (11, 12), (0, 0)], [((0, 8),), ((9, 12),)])
[[1, 2, 3], [4, 5]]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from cartqa.corpus.chunking import document_texts, passage
from cartqa.corpus.enumerations import reading_spans
from cartqa.corpus.sentences import sentence_spans
from cartqa.index import precision
from cartqa.records import Chunk

# Spans of one text whose tokens make one vector: a sentence is one span, a reading two.
Group = tuple[tuple[int, int], ...]


def token_groups(offsets: Sequence[tuple[int, int]], groups: Sequence[Group]) -> list[list[int]]:
    """For each group of character spans, the tokens whose offsets fall inside one of them
    (special and padding tokens, at ``(0, 0)``, never do). A group running past the last token
    (the text was cut at the model's length) gets none: half a sentence is not its vector.

    >>> token_groups([(0, 0), (0, 5), (6, 9), (0, 0)], [((0, 5),), ((6, 12),), ((0, 5), (6, 9))])  # cut after "abc"
    [[1], [], [1, 2]]
    """
    real = [(i, s, e) for i, (s, e) in enumerate(offsets) if e > s]
    last = max((e for _, _, e in real), default=0)
    out = []
    for group in groups:
        if not group or max(end for _, end in group) > last:
            out.append([])
            continue
        out.append([i for i, s, e in real if any(start <= s and e <= end for start, end in group)])
    return out


def pool(tokens: np.ndarray, mask: np.ndarray, groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, list]:
    """The text's vector (mean over ``mask``, as sentence-transformers' Pooling) and each group's
    (mean of its tokens), normalised; None for an empty group. ``tokens``: (length, dim).

    >>> text, parts = pool(np.array([[1.0, 0], [0, 1], [0, 3], [9, 9]]), np.array([1, 1, 1, 0]), [[0], [1, 2], []])
    >>> [round(x, 3) for x in text.tolist()], [p if p is None else p.tolist() for p in parts]
    ([0.243, 0.97], [[1.0, 0.0], [0.0, 1.0], None])
    """
    whole = (tokens * mask[:, None]).sum(0) / max(float(mask.sum()), 1e-9)
    parts = [_unit(tokens[list(g)].mean(0)) if len(g) else None for g in groups]
    return _unit(whole), parts


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def stripped(text: str, groups: Sequence[Group]) -> tuple[str, list[Group]]:
    """``text`` as the embedders feed it (stripped) and ``groups`` moved to match.

    >>> stripped("  ab cd ", [((2, 4),)])
    ('ab cd', [((0, 2),)])
    """
    lead = len(text) - len(text.lstrip())
    return text.strip(), [tuple((s - lead, e - lead) for s, e in g) for g in groups]


def late_pass(hidden: np.ndarray, mask: np.ndarray, offsets: Sequence[Sequence[tuple[int, int]]],
              texts: Sequence[str], groups: Sequence[Sequence[Group]]) -> tuple[list[np.ndarray], list[list]]:
    """Pool one batch's output tokens (``hidden``: texts x length x dim) into each text's vector and
    its groups' vectors. A group that is the whole text keeps the text's vector: a one-sentence
    chunk's sentence is the vector it has alone, as before."""
    vectors, parts = [], []
    for row, (text, wanted) in enumerate(zip(texts, groups)):
        whole, found = pool(hidden[row], mask[row], token_groups(offsets[row], wanted))
        vectors.append(whole)
        parts.append([whole if g == ((0, len(text)),) else p for g, p in zip(wanted, found)])
    return vectors, parts


@dataclass(frozen=True)
class Home:
    """Where a text's vector comes from: chunk ``chunk`` (an index into the build's chunks), the
    character ``spans`` of its text (one for a sentence, two for a list member's reading). A text
    cut across chunks has a home in each, holding its part there."""

    text: str
    chunk: int
    spans: Group


def sentence_homes(chunks: Sequence[Chunk], wanted: Callable[[str], bool],
                   docs: Collection[str] | None = None) -> list[Home]:
    """A home for each distinct sentence (cartqa.index.annotate.sentence_texts) and list member's
    reading (cartqa.corpus.enumerations.list_readings) that ``wanted`` accepts, in document order:
    the chunk that holds it whole, or, for one cut across chunks, each chunk holding a part of it. ``docs``: only the sentences of these documents (a build's changed
    files: at 1,000 documents, splitting every document again cost seconds of a one-file change).

    >>> cs = [Chunk("d", "One. Two.", 0, 9), Chunk("d", "Two. Three.", 5, 16), Chunk("d", "Three.", 10, 16)]
    >>> [(h.text, h.chunk, h.spans) for h in sentence_homes(cs, lambda t: True)]
    [('One.', 0, ((0, 4),)), ('Two.', 0, ((5, 9),)), ('Three.', 2, ((0, 6),))]
    """
    whole: dict[str, int] = {}  # a sentence that is a whole chunk takes that chunk's vector
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        whole.setdefault(c.text, i)
        by_doc.setdefault(c.doc, []).append(i)
    homes: dict[str, list[Home]] = {}
    texts = document_texts(chunks)
    for doc in texts if docs is None else [d for d in texts if d in docs]:
        text = texts[doc]
        order = sorted(by_doc[doc], key=lambda i: (chunks[i].start, chunks[i].end))
        j = 0
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            # Chunks end in document order, so the first that ends at or after the sentence is the
            # only one that can hold it first; the pointer never goes back.
            while j < len(order) and chunks[order[j]].end < e:
                j += 1
            if sentence in whole:
                home, at = whole[sentence], 0
            elif (j < len(order) and chunks[order[j]].start <= s
                  and chunks[order[j]].text[s - chunks[order[j]].start:e - chunks[order[j]].start] == sentence):
                home, at = order[j], s - chunks[order[j]].start
            else:  # cut across chunks (longer than the budget): read from each chunk its part
                parts = _split(chunks, order, text, s, e)
                if parts:
                    _add_split(homes, wanted, chunks, sentence, ((s, e),), parts)
                    for reading, spans in reading_spans(sentence):
                        _add_split(homes, wanted, chunks, reading, tuple((s + a, s + b) for a, b in spans), parts)
                continue
            if sentence not in homes and wanted(sentence):
                homes[sentence] = [Home(sentence, home, ((at, at + len(sentence)),))]
            for reading, spans in reading_spans(sentence):
                if reading not in homes and wanted(reading):
                    homes[reading] = [Home(reading, home, tuple((at + a, at + b) for a, b in spans))]
    return [h for found in homes.values() for h in found]


def _split(chunks: Sequence[Chunk], order: Sequence[int], text: str, start: int,
           end: int) -> list[tuple[int, int, int]]:
    """Where ``text[start:end]`` (a document's text) lies in its chunks ``order``: (chunk, start,
    end) in document coordinates, each character in one chunk only (the first); [] when the
    chunks do not hold it all (white space between two chunks aside).

    >>> cs = [Chunk("d", "A very long", 0, 11), Chunk("d", " sentence cut.", 11, 25)]
    >>> _split(cs, [0, 1], "A very long sentence cut.", 0, 25)
    [(0, 0, 11), (1, 11, 25)]
    """
    parts, covered = [], start
    for i in order:
        c = chunks[i]
        if c.end <= covered or c.start >= end:
            continue
        if c.start > covered and text[covered:c.start].strip():
            return []
        a, b = max(covered, c.start), min(end, c.end)
        if c.text[a - c.start:b - c.start] != text[a:b]:
            return []
        parts.append((i, a, b))
        covered = b
        if covered >= end:
            return parts
    return []


def _add_split(homes: dict[str, list[Home]], wanted: Callable[[str], bool], chunks: Sequence[Chunk], key: str,
               spans: Group, parts: list[tuple[int, int, int]]) -> None:
    """Give ``key`` (a cut sentence, or a reading of one: its ``spans`` in document coordinates) a
    home in each chunk holding some of it (``parts``, from :func:`_split`); :func:`late_vectors`
    averages their vectors by length."""
    if key in homes or not wanted(key):
        return
    found = []
    for chunk, a, b in parts:
        inside = tuple((max(s, a), min(e, b)) for s, e in spans if max(s, a) < min(e, b))
        if inside:
            start = chunks[chunk].start
            found.append(Home(key, chunk, tuple((s - start, e - start) for s, e in inside)))
    if found:
        homes[key] = found


def late_vectors(chunks: Sequence[Chunk], run: Sequence[int], homes: Sequence[Home], embed_late,
                 step: Callable[[int, int], None] = lambda done, total: None,
                 batch: int = 256) -> tuple[dict[int, np.ndarray], dict[str, np.ndarray]]:
    """Run the chunks ``run`` (indices into ``chunks``) and every home's chunk through ``embed_late``
    (an embedder's ``embed_late``: passages and the groups of spans to pool in each), shortest
    first, ``batch`` chunks a call so progress moves, and a chunk that repeats another's passage
    once. Returns the vectors of the ``run`` chunks by
    index and the homed texts' vectors by text (one the model's length cut off is left out: it is
    embedded alone; one with a home in several chunks averages them by length). Spans are moved
    past a chunk's context line (cartqa.corpus.chunking.passage).

    >>> cs = [Chunk("d", "One. Two.", 0, 9, context="T")]
    >>> fake = lambda texts, groups: (np.ones((len(texts), 2)), [[np.full(2, float(g[0][0])) for g in gs] for gs in groups])
    >>> vectors, sentences = late_vectors(cs, [0], [Home("Two.", 0, ((5, 9),))], fake)
    >>> vectors[0].tolist(), sentences["Two."].tolist()
    ([1.0, 1.0], [7.0, 7.0])
    """
    spans: dict[int, list[Home]] = {i: [] for i in run}
    for h in homes:
        spans.setdefault(h.chunk, []).append(h)
    # A chunk whose passage is another's (a file copied, a piece repeated) is run once, pooling the
    # spans of every copy: a pooled vector depends on the passage and the spans alone. Each copy
    # takes its vectors, and its homes still count in a text's average, as when every copy was run.
    fed: dict[int, tuple[str, list[Group]]] = {}  # a chunk's passage and its homes' spans, moved past the context line
    copies: dict[str, list[int]] = {}
    for i in spans:
        text = passage(chunks[i])
        d = len(text) - len(chunks[i].text)
        fed[i] = (text, [tuple((s + d, e + d) for s, e in h.spans) for h in spans[i]])
        copies.setdefault(text, []).append(i)
    pooled = {same[0]: list(dict.fromkeys(g for i in same for g in fed[i][1])) for same in copies.values()}
    order = sorted(pooled, key=lambda i: len(fed[i][0]))
    wanted = set(run)
    vectors: dict[int, np.ndarray] = {}
    pieces: dict[str, list[tuple[int, np.ndarray | None]]] = {}  # a text's parts: (characters, vector)
    for b in range(0, len(order), batch):
        step(b, len(order))
        ids = order[b:b + batch]
        chunk_vectors, parts = embed_late([fed[i][0] for i in ids], [pooled[i] for i in ids])
        for first, v, vs in zip(ids, chunk_vectors, parts):
            by_group = dict(zip(pooled[first], vs))
            for i in copies[fed[first][0]]:
                if i in wanted:
                    vectors[i] = v
                for h, g in zip(spans[i], fed[i][1]):
                    pieces.setdefault(h.text, []).append((sum(e - s for s, e in h.spans), by_group[g]))
    step(len(order), len(order))
    sentences: dict[str, np.ndarray] = {}
    for text, found in pieces.items():
        if any(v is None for _, v in found):
            continue
        # A text cut across chunks: its parts' vectors averaged by their length.
        sentences[text] = found[0][1] if len(found) == 1 else _unit(sum(w * v for w, v in found))
    return vectors, sentences


def supports(model) -> bool:
    """Can :func:`encode` reproduce ``model`` (a SentenceTransformer)? A transformer with a fast
    tokenizer (it gives character offsets), mean pooling, and nothing else but normalisation."""
    names = [type(m).__name__ for m in model]
    if names[:2] != ["Transformer", "Pooling"] or names[2:] not in ([], ["Normalize"]):
        return False
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None) or getattr(pooling, "get_pooling_mode_str", lambda: "")()
    return bool(mode == "mean" and getattr(model.tokenizer, "is_fast", False) and hasattr(model[0], "auto_model"))


def encode(model, texts: Sequence[str], groups: Sequence[Sequence[Group]],
           batch: int = 32) -> tuple[np.ndarray, list[list]]:
    """Each text's vector (as ``model.encode(..., normalize_embeddings=True)``) and the vectors of
    its ``groups`` (None for one cut off by the model's length), one pass of ``model`` (a
    SentenceTransformer that :func:`supports`) per text, in batches of similar length."""
    import torch

    vectors: list = [None] * len(texts)
    parts: list[list] = [[] for _ in texts]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for b in range(0, len(order), batch):
        rows = order[b:b + batch]
        fed = [stripped(texts[i], groups[i]) for i in rows]
        # The tokenizer call sentence-transformers makes, plus the offsets it drops.
        features = model.tokenizer([t for t, _ in fed], padding=True, truncation="longest_first",
                                   max_length=model.max_seq_length, return_offsets_mapping=True, return_tensors="pt")
        offsets = features.pop("offset_mapping").tolist()
        with torch.inference_mode(), precision.forward():  # bfloat16 where native: cartqa.index.precision
            hidden = model[0].auto_model(**features).last_hidden_state.float().numpy()
        mask = features["attention_mask"].numpy().astype(np.float32)
        found, pooled = late_pass(hidden, mask, offsets, [t for t, _ in fed], [g for _, g in fed])
        for i, v, p in zip(rows, found, pooled):
            vectors[i], parts[i] = v, p
    return np.asarray(vectors, np.float32).reshape(len(texts), -1), parts
