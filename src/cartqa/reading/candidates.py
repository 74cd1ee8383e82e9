"""Candidate answers in a sentence: every span an answer could be, whatever the question.

The learned reader (:mod:`cartqa.reading.scorer`) chooses among them, so this module
proposes generously and never decides: spaCy's named entities (with their labels), noun
phrases, the objects of prepositions, verbs' objects and subjects, the value of a
"key: value" line, a table row's cells (a row of two is a key and its value), code written
between backticks, words in quotes, numbers, and the span the hand-written rules picked. A span
proposed several ways carries every way as a label; no span runs across two cells.

>>> spans = propose("Number of Instances: 150 (50 in each of three classes)")
>>> any(c.text.startswith("150") and "VALUE" in c.labels for c in spans)
True
>>> [c.text for c in propose("Samples total | 581012") if "VALUE" in c.labels]
['581012']
>>> [c.text for c in propose(":func:`sklearn.datasets.fetch_covtype` loads it") if "CODE" in c.labels]
['sklearn.datasets.fetch_covtype']
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from cartqa.corpus.tabular import CELL

log = logging.getLogger(__name__)

MAX_TOKENS = 12  # an answer longer than this is not short
_KEY_VALUE = re.compile(r"^\W{0,3}([^:\n]{2,60}?)\s*:\s+(\S.{0,200}?)\s*$")
_SUBTREE_DEPS = frozenset({"pobj", "dobj", "attr", "nsubj", "nsubjpass", "appos", "conj", "npadvmod", "acomp",
                           "oprd", "dative", "agent", "pcomp", "xcomp", "ccomp", "advcl"})
# Inline code as Markdown and reStructuredText write it: `x`, ``x``, :func:`x`, :class:`~a.b.X`
# (not `text <url>`_, a link)
_CODE = re.compile(r"(?:(?<=\s)|^|(?<=[(:]))(`{1,2})~?([^`\s](?:[^`]{0,78}[^`\s])?)\1(?![`_])")
# Words in quotes; an apostrophe inside a word ("dataset's") opens nothing
_QUOTED = re.compile(r"(?<!\w)(['\"“‘])([^'\"“”‘’\n]{1,60}?)(['\"”’])(?!\w)")


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


# a sentence's tokens, its entities (offsets and label) and its noun phrases (offsets)
Analysis = tuple[tuple[Token, ...], tuple[tuple[int, int, str], ...], tuple[tuple[int, int], ...]]


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


# Analyses kept per process: the same sentences come back for many questions.
CACHED = 20_000
_analysed: OrderedDict[str, Analysis] = OrderedDict()
_cache_lock = threading.Lock()


def analyse(sentence: str) -> Analysis:
    """Tokens, entity spans and noun phrases of one sentence (cached, as :func:`analyse_many`)."""
    return analyse_many([sentence])[0]


def analyse_many(sentences: Sequence[str]) -> list[Analysis]:
    """:func:`analyse` of each sentence, those not cached parsed in one batch (``nlp.pipe``: a
    question's six sentences took ~8 ms each so, ~15 ms each one call at a time)."""
    with _cache_lock:
        known = {s: _analysed[s] for s in sentences if s in _analysed}
        for s in known:
            _analysed.move_to_end(s)  # asked again: the last to be pushed out
    missing = [s for s in dict.fromkeys(sentences) if s not in known]
    if missing:
        nlp = _nlp()
        # tokens, tags, parse and entities of each sentence's first 20,000 characters, or the pipeline's limit
        cut = min(20_000, nlp.max_length)
        known.update((s, _analysis(doc)) for s, doc in zip(missing, nlp.pipe([s[:cut] for s in missing],
                                                                              disable=["lemmatizer"])))
        with _cache_lock:
            _analysed.update((s, known[s]) for s in missing)
            while len(_analysed) > CACHED:
                _analysed.popitem(last=False)
    return [known[s] for s in sentences]


def _analysis(doc) -> Analysis:
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
        if b > a and len(sentence[a:b].split()) <= MAX_TOKENS and CELL not in sentence[a:b]:
            found.setdefault((a, b), set()).add(label)

    for a, b, label in ents:
        add(a, b, f"ENT_{label}")
    for i, t in enumerate(tokens):
        # a signed number is one token spaCy does not tag NUM ("boil at -12": X, "−3.5": NOUN)
        if t.pos in ("NUM",) or t.text[:1].isdigit() or (t.text[:1] in "-−+" and t.text[1:2].isdigit()):
            add(t.start, t.start + len(t.text), "NUM")
        if t.dep in _SUBTREE_DEPS:
            last = tokens[t.right]
            add(tokens[t.left].start, last.start + len(last.text), f"DEP_{t.dep}")
    for a, b in chunks:
        add(a, b, "NP")
    cells = _cells(sentence)
    for a, b in cells:
        add(a, b, "CELL")
    values = [_value(sentence, a, b) for a, b in cells or [(0, len(sentence))]]
    if len(cells) == 2 and values[1] is None:  # a row of two cells: a name and its value
        values[1] = cells[1]
    for value in filter(None, values):
        add(*value, "VALUE")
        first = re.match(r"[^,;(]+", sentence[value[0]:value[1]])
        if first:
            add(value[0], value[0] + first.end(), "VALUE")
    for m in _CODE.finditer(sentence):
        add(m.start(2), m.end(2), "CODE")
    for m in _QUOTED.finditer(sentence):
        add(m.start(2), m.end(2), "QUOTED")
    if rule_span:
        a, b = rule_span
        found.setdefault((a, b), set()).add("RULE")
    return [_make(sentence, a, b, labels, tokens) for (a, b), labels in sorted(found.items())]


def _value(sentence: str, a: int, b: int) -> tuple[int, int] | None:
    """Where the value of a "name: value" line (or a table cell named by its column) lies in ``sentence[a:b]``."""
    m = _KEY_VALUE.match(sentence[a:b])
    return (a + m.start(2), a + m.end(2)) if m else None


def _cells(sentence: str) -> list[tuple[int, int]]:
    """Offsets of a table row's cells (:mod:`cartqa.corpus.tabular` joins them with CELL); none for prose.

    >>> _cells("Classes | 7 | 40")
    [(0, 7), (10, 11), (14, 16)]
    """
    if CELL not in sentence:
        return []
    out, a = [], 0
    for part in sentence.split(CELL):
        out.append((a, a + len(part)))
        a += len(part) + len(CELL)
    return out


def _make(sentence: str, a: int, b: int, labels: set[str], tokens: tuple[Token, ...]) -> Candidate:
    inside = [i for i, t in enumerate(tokens) if a <= t.start < b]
    first, last = (inside[0], inside[-1]) if inside else (0, 0)
    # the head: the token inside whose head lies outside (or itself)
    root = next((i for i in inside if not (first <= tokens[i].head <= last) or tokens[i].head == i), first)
    return Candidate(a, b, sentence[a:b], frozenset(labels), first, last, root)


def _trim(sentence: str, a: int, b: int) -> tuple[int, int]:
    """Without surrounding spaces, punctuation (but a closing bracket whose opening is kept) and a leading article."""
    while a < b and (sentence[a].isspace() or sentence[a] in ",;:.'\"“”‘’`|"):
        a += 1
    while b > a and (sentence[b - 1].isspace() or sentence[b - 1] in ",;:.'\"“”‘’`|"):
        b -= 1
    m = re.match(r"(?i)(the|a|an)\s+", sentence[a:b])
    if m and b - a > m.end():
        a += m.end()
    return a, b
