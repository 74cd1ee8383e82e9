"""The public entry point: :func:`answer` a question from the documents.

>>> from cartqa import answer                                   # doctest: +SKIP
>>> a = answer("When was INT established?")                     # doctest: +SKIP
>>> a.text, a.found, a.sources[0].doc                           # doctest: +SKIP
('1928', True, 'lombardy-car-t-research.txt')
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cartqa import config
from cartqa.errors import InputError
from cartqa.reading.extractive import Extraction, extract, question_phrases
from cartqa.reading.followup import resolve
from cartqa.reading.mending import (
    mend_contraction,
    mend_long_name,
    mend_preamble,
    mend_relative,
    mend_request,
    mend_wh_word,
)
from cartqa.reading.window import cut_marks, window
from cartqa.records import Answer, Hit, Source

log = logging.getLogger(__name__)

MODES = ("extractive", "generative")  # offered to users (the chat's choices)
EVAL_MODES = (*MODES, "free")  # free: the model's reply unchecked, for measuring only
NOT_FOUND = "The documents don't say{about}."
PASSAGE = "No short answer is sure; the closest passage says: {sentence}"


def answer(
    question: str,
    corpus_dir: str | Path | None = None,
    index_dir: str | Path | None = None,
    *,
    history: Sequence[str | dict] | None = None,
    mode: str | None = None,
    k: int = 5,
    embedder: str | None = None,
    qa_model: str | None = None,
    llm: str | None = None,
) -> Answer:
    """Answer ``question`` from the corpus, refreshing the index if the corpus changed.

    ``history`` (earlier turns) resolves follow-ups like "When was it
    established?". ``qa_model`` (or ``$CARTQA_QA_MODEL``) names a transformers
    question-answering model (Hub name or folder) to read spans instead of the
    built-in extractive answerer; its answers pass the same grounding checks.

    ``mode`` (or ``$CARTQA_MODE``): ``extractive`` (default), ``generative`` (a
    local model, ``llm`` or ``$CARTQA_LLM``, default SmolLM2, writes the answer;
    kept only if it checks out against the passages, else the extractive answer)
    or ``free`` (the model's reply unchecked; for measuring only).
    """
    from cartqa.pipeline.engine import get_engine, warm_in_background

    text = clean_question(question)
    mode = config.mode(mode)
    if mode not in EVAL_MODES:
        raise InputError(f"mode must be one of {', '.join(EVAL_MODES)}. Currently, it is {mode!r}")
    if k <= 0:
        raise InputError(f"k must be greater than 0. Currently, it is {k}")
    engine = get_engine(config.corpus_dir(corpus_dir), config.index_dir(index_dir), config.embedder_name(embedder))
    prepared = prepare(text, engine, config.index_dir(index_dir), history, k)
    resolved, hits = prepared.question, prepared.hits
    reader = config.qa_model(qa_model)

    def read() -> Extraction:
        if reader:
            from cartqa.generation.hub_reader import read_with_model

            return read_with_model(reader, resolved, hits, engine.view, translated=prepared.translated)
        engine.related.warm(question_phrases(resolved))
        return extract(resolved, hits, engine.view, engine.retriever.sentence_similarity, engine.related.best,
                       translated=prepared.translated, learned=config.learned_reader())

    try:
        if mode == "extractive":
            return to_answer(read(), hits, resolved)
        return _with_model(mode, resolved, hits, engine.view, read, config.llm(llm), prepared.translated)
    finally:
        warm_in_background(engine, config.index_dir(index_dir))  # once the first answer is out


@dataclass(frozen=True)
class Prepared:
    """A question as the reader sees it (mended, a follow-up resolved, Italian translated) and its hits."""

    question: str
    translated: bool
    hits: list[Hit]


def prepare(text: str, engine, index_dir: Path, history: Sequence[str | dict] | None = None, k: int = 5) -> Prepared:
    """Mend, resolve, translate and retrieve: every step before reading (shared with training)."""
    from cartqa.reading.italian.crosslingual import prepare as to_english

    text = mend_relative(mend_request(mend_wh_word(mend_preamble(mend_contraction(text), engine.view.topic))))
    followed = mend_long_name(resolve(text, history), engine.view.acronyms, engine.retriever.says)
    resolved = to_english(followed, engine, index_dir)  # an Italian question becomes an English pseudo-question
    return Prepared(resolved, resolved != followed, engine.retriever.search(resolved, k=k))


def _with_model(mode: str, question: str, hits: Sequence[Hit], view, read, llm: str | None,
                translated: bool = False) -> Answer:
    from cartqa.generation.generative import generate
    from cartqa.generation.llm import get_generator

    g = generate(question, hits, view, read, get_generator(llm), checked=mode == "generative", translated=translated)
    if g.via == "free":
        sources = [_source(h) for h in hits]
        return Answer(g.reply or NOT_FOUND.format(about=_about(question)), g.extraction.found, sources, via="free")
    return replace(to_answer(g.extraction, hits, question), via=g.via)


def clean_question(question: object) -> str:
    """The question as plain one-line text, or :class:`InputError` saying what is wrong."""
    if not isinstance(question, str):
        raise InputError(f"The question must be text. Currently, it is {type(question).__name__}")
    # A lone surrogate ("\ud800", or an undecodable byte of a command line, "\udcff") is no
    # character at all: tokenizers and printing fail on it, so it becomes the replacement character.
    text = re.sub("[\ud800-\udfff]", "\ufffd", question)
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise InputError("The question is empty. Ask something about the documents.")
    if len(text) > config.MAX_QUESTION_CHARS:
        raise InputError(
            f"The question is {len(text):,} characters long; the limit is {config.MAX_QUESTION_CHARS:,}. "
            "Ask a shorter question."
        )
    if not re.search(r"\w", text):
        raise InputError("The question has no words in it. Ask something about the documents.")
    return text


def _source(hit: Hit) -> Source:
    c = hit.chunk
    return Source(c.doc, c.text, hit.score, c.start, c.end, location=c.location)


def to_answer(found: Extraction, hits: Sequence[Hit], question: str) -> Answer:
    """Shape an extraction as the public :class:`Answer`, the supporting passage first."""
    sources = [_source(h) for h in hits]
    if found.sentence is None or found.outcome == "refusal" or (not found.found and found.outcome != "passage"):
        return Answer(text=NOT_FOUND.format(about=_about(question)), found=False, sources=sources)
    s = found.sentence
    # A passage answer shows all of its sentence, marked or not: its home passage holds all of it (else
    # the sentence itself comes first); a short answer's holds the span.
    lo, hi = (s.start, s.end) if found.outcome == "passage" else (found.start, found.end)
    home = next((i for i, h in enumerate(hits) if h.chunk.doc == s.doc and h.chunk.start <= lo and hi <= h.chunk.end),
                None)
    if home is None:  # no retrieved passage holds it: a sentence referred to from outside them, or cut between two
        # Scored as the passages it overlaps (else its document's best), never by the reader's
        # probability: the chat words each source's closeness by comparing the scores.
        same = [h for h in hits if h.chunk.doc == s.doc]
        score = max((h.score for h in same if h.chunk.start < s.end and s.start < h.chunk.end),
                    default=max((h.score for h in same), default=0.0))
        lead = Source(s.doc, s.text, score, s.start, s.end, (found.start - s.start, found.end - s.start), s.text,
                      next((h.chunk.location for h in same if h.chunk.start <= s.start), ""))
    else:
        h = hits[home]
        lead = Source(h.chunk.doc, h.chunk.text, h.score, h.chunk.start, h.chunk.end,
                      (found.start - h.chunk.start, found.end - h.chunk.start), s.text, h.chunk.location)
        del sources[home]
    if found.outcome == "passage":
        if not found.text:  # extract() always marks one now; an Extraction built without a span marks none
            lead = replace(lead, span=None)
        # a long sentence is shown as the window of it around its likeliest span
        a, b = window(s.text, found.start - s.start, found.end - s.start)
        before, after = cut_marks(s.text, a, b)
        shown = before + s.text[a:b] + after
        return Answer(PASSAGE.format(sentence=shown), False, [lead, *sources], s.text[a:b], outcome="passage",
                      confidence=found.confidence)
    return Answer(text=found.text, found=True, sources=[lead, *sources], sentence=s.text, confidence=found.confidence)


def _about(question: str) -> str:
    q = question.rstrip(" ?.!")
    return f": “{q}”" if len(q) <= 120 else ""
