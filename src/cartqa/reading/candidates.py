"""Candidate answers in a sentence: every span an answer could be, whatever the question.

The learned reader (:mod:`cartqa.reading.scorer`) chooses among them, so this module
proposes generously and never decides: spaCy's named entities (with their labels), noun
phrases, the objects of prepositions, verbs' objects and subjects, the value of a
"key: value" line, numbers, and the span the hand-written rules picked. A span
proposed several ways carries every way as a label.

>>> spans = propose("Number of Instances: 150 (50 in each of three classes)")
>>> any(c.text.startswith("150") and "VALUE" in c.labels for c in spans)
True
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_TOKENS = 12  # an answer longer than this is not short
_KEY_VALUE = re.compile(r"^\W{0,3}([^:\n]{2,60}?)\s*:\s+(\S.{0,200}?)\s*$")
_SUBTREE_DEPS = frozenset({"pobj", "dobj", "attr", "nsubj", "nsubjpass", "appos", "conj", "npadvmod", "acomp",
                           "oprd", "dative", "agent", "pcomp", "xcomp", "ccomp", "advcl"})


@dataclass(frozen=True)
class Token:
    """What the features need of one token (a plain copy of spaCy's, so results can be cached and tested)."""

    text: str
    start: int  # character offset in the sentence
    lemma: str
    pos: str
    dep: str
    head: int  # index of the head token
    ent: str  # entity label, or ""
    left: int  # first and last token of its subtree (spaCy's subtrees are contiguous)
    right: int


@dataclass(frozen=True)
class Candidate:
    """A span of a sentence that could be the answer, and every way it was proposed."""

    start: int  # character offsets in the sentence
    end: int
    text: str
    labels: frozenset[str]
    first: int  # index of its first and last token (inclusive) in the sentence's tokens
    last: int
    root: int  # index of its syntactic head


def _nlp():
    from cartqa.corpus.parsing import english

    return english()


def available() -> bool:
    """Is the English pipeline installed? Without it only rule answers are candidates."""
    try:
        _nlp()
    except (ImportError, OSError):
        return False
    return True


@functools.lru_cache(maxsize=20_000)
def analyse(sentence: str) -> tuple[tuple[Token, ...], tuple[tuple[int, int, str], ...], tuple[tuple[int, int], ...]]:
    """Tokens, entity spans and noun phrases of one sentence (cached: the same sentences come back for
    many questions)."""
    nlp = _nlp()
    # tokens, tags, parse and entities of the sentence's first 20,000 characters, or the pipeline's limit
    doc = nlp(sentence[:min(20_000, nlp.max_length)], disable=["lemmatizer"])
    tokens = tuple(Token(t.text, t.idx, t.lower_, t.pos_, t.dep_, t.head.i, t.ent_type_, t.left_edge.i,
                         t.right_edge.i) for t in doc)
    return (tokens, tuple((e.start_char, e.end_char, e.label_) for e in doc.ents),
            tuple((c.start_char, c.end_char) for c in doc.noun_chunks))


def propose(sentence: str, rule_span: tuple[int, int] | None = None) -> list[Candidate]:
    """Every candidate span of ``sentence``; ``rule_span`` (offsets) is the rules' pick, labelled RULE."""
    if not available():
        return [_make(sentence, rule_span[0], rule_span[1], {"RULE"}, ())] if rule_span else []
    tokens, ents, chunks = analyse(sentence)
    found: dict[tuple[int, int], set[str]] = {}

    def add(a: int, b: int, label: str) -> None:
        a, b = _trim(sentence, a, b)
        if b > a and len(sentence[a:b].split()) <= MAX_TOKENS:
            found.setdefault((a, b), set()).add(label)

    for a, b, label in ents:
        add(a, b, f"ENT_{label}")
    for i, t in enumerate(tokens):
        if t.pos in ("NUM",) or t.text[:1].isdigit():
            add(t.start, t.start + len(t.text), "NUM")
        if t.dep in _SUBTREE_DEPS:
            last = tokens[t.right]
            add(tokens[t.left].start, last.start + len(last.text), f"DEP_{t.dep}")
    for a, b in chunks:
        add(a, b, "NP")
    m = _KEY_VALUE.match(sentence)
    if m:
        add(m.start(2), m.end(2), "VALUE")
        first = re.match(r"[^,;(]+", sentence[m.start(2):m.end(2)])
        if first:
            add(m.start(2), m.start(2) + first.end(), "VALUE")
    if rule_span:
        a, b = rule_span
        found.setdefault((a, b), set()).add("RULE")
    return [_make(sentence, a, b, labels, tokens) for (a, b), labels in sorted(found.items())]


def _make(sentence: str, a: int, b: int, labels: set[str], tokens: tuple[Token, ...]) -> Candidate:
    inside = [i for i, t in enumerate(tokens) if a <= t.start < b]
    first, last = (inside[0], inside[-1]) if inside else (0, 0)
    # the head: the token inside whose head lies outside (or itself)
    root = next((i for i in inside if not (first <= tokens[i].head <= last) or tokens[i].head == i), first)
    return Candidate(a, b, sentence[a:b], frozenset(labels), first, last, root)


def _trim(sentence: str, a: int, b: int) -> tuple[int, int]:
    """Without surrounding spaces, punctuation (but a closing bracket whose opening is kept) and a leading article."""
    while a < b and (sentence[a].isspace() or sentence[a] in ",;:.'\"“”‘’"):
        a += 1
    while b > a and (sentence[b - 1].isspace() or sentence[b - 1] in ",;:.'\"“”‘’"):
        b -= 1
    m = re.match(r"(?i)(the|a|an)\s+", sentence[a:b])
    if m and b - a > m.end():
        a += m.end()
    return a, b
