"""The default answerer: pick the supporting sentence, then a short verbatim span of it.

Pure: it takes retrieved hits, a :class:`~cartqa.grounding.CorpusView` and an
optional sentence-similarity function, and never loads a model itself.

Refusal is decided here: the question's named entities must be grounded in the
sentence (or in what it refers back to), its key terms must be covered, and the
sentence must hold something of the expected answer type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .grounding import CorpusView, Sentence, covers, refers_back, stems
from .question import Question, analyse
from .records import Hit
from .spans import clause_after, list_items, name_spans, number_spans, year_spans
from .text import STOPWORDS, stem, words

Similarity = Callable[[str, Sequence[str]], Sequence[float]]

# Set by hand while reading `cartqa eval --failures` on eval/questions.jsonl (English).
MIN_CONFIDENCE = 0.50
MIN_COVERAGE = 0.34
SENTENCES_FROM_HITS = 4


@dataclass(frozen=True)
class Extraction:
    """The chosen span (absolute offsets in ``sentence.doc``) or a refusal."""

    found: bool
    text: str = ""
    sentence: Sentence | None = None
    start: int = 0
    end: int = 0
    confidence: float = 0.0


@dataclass(frozen=True)
class _Scored:
    sentence: Sentence
    coverage: float
    similarity: float
    entities_ok: bool
    context: frozenset[str]

    @property
    def confidence(self) -> float:
        return 0.6 * self.coverage + 0.4 * max(self.similarity, 0.0)


def extract(question: str, hits: Sequence[Hit], view: CorpusView, similarity: Similarity | None = None) -> Extraction:
    """Answer ``question`` from ``hits`` with a short span, or refuse."""
    q = analyse(question)
    sentences = _candidate_sentences(hits, view)
    if not sentences or _names_unknown_entity(q, view):
        return Extraction(False)
    sims = list(similarity(question, [s.text for s in sentences])) if similarity else [0.0] * len(sentences)
    scored = sorted((_score(q, s, sim, view) for s, sim in zip(sentences, sims)),
                    key=lambda x: x.confidence, reverse=True)
    for cand in scored:
        if not cand.entities_ok or cand.coverage < MIN_COVERAGE or cand.confidence < MIN_CONFIDENCE:
            continue
        span = _pick_span(q, cand, view)
        if span:
            sentence, a, b = span
            return Extraction(True, sentence.text[a:b], sentence, sentence.start + a, sentence.start + b,
                              cand.confidence)
    return Extraction(False)


def _candidate_sentences(hits: Sequence[Hit], view: CorpusView) -> list[Sentence]:
    seen: dict[tuple[str, int], Sentence] = {}
    for hit in hits[:SENTENCES_FROM_HITS]:
        for s in view.sentences.get(hit.chunk.doc, []):
            if s.start < hit.chunk.end and s.end > hit.chunk.start:
                seen.setdefault((s.doc, s.index), s)
    return list(seen.values())


def _names_unknown_entity(q: Question, view: CorpusView) -> bool:
    """An English question about a name the corpus never mentions cannot be answered from it."""
    if q.language != "en":
        return False
    return any(not any(covers(w, view.vocabulary) for w in entity) for entity in q.entities)


def _score(q: Question, s: Sentence, sim: float, view: CorpusView) -> _Scored:
    context = frozenset(words(s.text)) | view.carried(s)
    context_stems = frozenset(stem(w) for w in context)
    weights = {t: view.idf(t) for t in q.terms}
    total = sum(weights.values()) or 1.0
    coverage = sum(w for t, w in weights.items() if covers(t, context_stems)) / total
    entities_ok = all(_entity_grounded(e, context) for e in q.entities)
    return _Scored(s, coverage, sim, entities_ok, context)


def grounded(question: str, sentence: Sentence, view: CorpusView) -> bool:
    """Does ``sentence`` ground ``question`` (entities and key terms covered)?

    The checks :func:`extract` applies before its confidence threshold; used on
    spans proposed by other readers (e.g. a Hub QA model), which bring their own score.
    """
    q = analyse(question)
    if _names_unknown_entity(q, view):
        return False
    cand = _score(q, sentence, 0.0, view)
    return cand.entities_ok and cand.coverage >= MIN_COVERAGE


def _entity_grounded(entity: tuple[str, ...], context: frozenset[str]) -> bool:
    hits = sum(covers(w, context) for w in entity)
    return hits * 2 >= len(entity)


def _pick_span(q: Question, cand: _Scored, view: CorpusView) -> tuple[Sentence, int, int] | None:
    s = cand.sentence
    text = s.text
    asked = frozenset(q.terms)
    anchor = _anchor(text, asked)
    if q.answer_type == "DATE":
        return _nearest(s, year_spans(text), anchor)
    if q.answer_type == "NUMBER":
        return _number(s, q, anchor, cand.context)
    if q.answer_type == "CLAUSE":
        span = clause_after(text, 0)
        return (s, *span) if span else None
    if q.answer_type in ("NAME", "PLACE"):
        return _name(q, s, view, asked, anchor)
    return _list_pick(s, asked) or _phrase(s, asked)


def _anchor(text: str, asked: frozenset[str]) -> int:
    """Character position of the question's terms in the sentence (their mean)."""
    positions = [m.start() for m in re.finditer(r"[\w'-]+", text) if covers(stem(m.group().lower()), asked)]
    return sum(positions) // len(positions) if positions else 0


def _nearest(s: Sentence, spans: list[tuple[int, int]], anchor: int) -> tuple[Sentence, int, int] | None:
    if not spans:
        return None
    a, b = min(spans, key=lambda sp: abs(sp[0] - anchor))
    return s, a, b


def _number(s: Sentence, q: Question, anchor: int, context: frozenset[str]) -> tuple[Sentence, int, int] | None:
    """The count of the thing asked about: "how many *beds*" -> "464 inpatient beds".

    A number counting something else ("two teams" for "how many patients") is no answer.
    """
    spans = number_spans(s.text)
    if not spans:
        return None
    if not q.focus:
        return _nearest(s, spans, anchor)
    focus = frozenset([q.focus])
    mentions = [m for m in re.finditer(r"[\w'-]+", s.text) if covers(stem(m.group().lower()), focus)]
    for m in mentions:
        before = [sp for sp in spans if 0 <= m.start() - sp[1] <= 40]
        if before:
            return s, before[-1][0], m.end()
    if not mentions and covers(q.focus, frozenset(stem(w) for w in context)):
        return _nearest(s, spans, anchor)  # "17 of them": the counted noun is in the antecedent
    return None


def _name(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int):
    listed = _list_pick(s, asked)
    if listed:
        return listed
    if refers_back(s.text) and not _names_subject(q, s, view):
        prev = view.antecedent(s)
        head = stem(s.text.split()[1].lower()) if len(s.text.split()) > 1 else ""
        if prev:
            for a, b in name_spans(prev.text):
                if head in stems(prev.text[a:b]):
                    return prev, a, b
    spans = [sp for sp in name_spans(s.text) if not _all_asked(s.text[sp[0]:sp[1]], asked)]
    if q.answer_type == "PLACE":
        spans = [sp for sp in spans if re.search(r"\b(in|at|from|near)\s+$", s.text[max(0, sp[0] - 6):sp[0]])
                 or s.text[sp[1]:sp[1] + 6].startswith("-based")] or spans
    if spans:
        return _nearest(s, spans, anchor)
    return _phrase(s, asked)


def _list_pick(s: Sentence, asked: frozenset[str]) -> tuple[Sentence, int, int] | None:
    """In an enumeration, the item(s) the question's other words point at ("in Pavia")."""
    items = list_items(s.text)
    if len(items) < 3:
        return None
    head = frozenset(stems(_list_head(s.text)))
    qualifiers = [t for t in asked if not covers(t, head)]
    chosen = [it for it in items if any(covers(t, frozenset(stems(s.text[it[0]:it[1]]))) for t in qualifiers)]
    if not chosen:
        return None  # an enumeration, but the question does not point into it
    if len(chosen) == 1:
        return s, *chosen[0]
    # Several items named: answer with all of them only for a real enumeration
    # ("...: A, B and C") whose chosen items sit together; otherwise read the clause.
    adjacent = chosen == items[items.index(chosen[0]):items.index(chosen[0]) + len(chosen)]
    if ":" in s.text and adjacent:
        return s, chosen[0][0], chosen[-1][1]
    return None


def _list_head(text: str) -> str:
    return text.split(":", 1)[0] if ":" in text else ""


def _names_subject(q: Question, s: Sentence, view: CorpusView) -> bool:
    """Does the question itself name what a referring sentence is about?"""
    prev = view.antecedent(s)
    if not prev or not q.entities:
        return False
    named = set(words(prev.text))
    return any(_entity_grounded(e, frozenset(named | view.alias_words(named))) for e in q.entities)


def _all_asked(span: str, asked: frozenset[str]) -> bool:
    content = [stem(w) for w in words(span) if w not in STOPWORDS]
    return bool(content) and all(covers(t, asked) for t in content)


_TOKEN = re.compile(r"[\w'-]+|[^\w\s]")
_STOP_TOKENS = frozenset(",;:.()[]\"!?")
MAX_ANSWER_WORDS = 10


def _phrase(s: Sentence, asked: frozenset[str]):
    """The words right after (or else before) the question's words in the sentence.

    A question restates most of its sentence; what it leaves out is the answer:
    "In what are the hematologists expert?" / "hematologists expert in *stem
    cell transplant*".
    """
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(s.text)]
    matched = [i for i, (_, _, w) in enumerate(toks)
               if w[0].isalnum() and w.lower() not in STOPWORDS and covers(stem(w.lower()), asked)]
    if not matched:
        return None
    runs = [_run(toks, matched[-1] + 1, 1, set(matched)), _run(toks, matched[0] - 1, -1, set(matched))]
    runs = [r for r in runs if r and _new_words(s.text[r[0]:r[1]], asked)]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: _new_words(s.text[r[0]:r[1]], asked))
    return s, a, b


def _run(toks: list[tuple[int, int, str]], i: int, step: int, matched: set[int]) -> tuple[int, int] | None:
    """Up to MAX_ANSWER_WORDS tokens from ``i`` in direction ``step``, stopping at punctuation
    or at another question word; leading function words are skipped."""
    picked: list[int] = []
    while 0 <= i < len(toks):
        word = toks[i][2]
        if word in _STOP_TOKENS or i in matched or len(picked) >= MAX_ANSWER_WORDS:
            break
        if picked or word.lower() not in STOPWORDS:
            picked.append(i)
        i += step
    while picked and toks[picked[-1]][2].lower() in STOPWORDS:
        picked.pop()
    if not picked:
        return None
    lo, hi = min(picked), max(picked)
    return toks[lo][0], toks[hi][1]


def _new_words(piece: str, asked: frozenset[str]) -> int:
    return sum(not covers(stem(w), asked) for w in words(piece) if w not in STOPWORDS)
