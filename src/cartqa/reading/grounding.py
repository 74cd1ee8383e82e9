"""What a sentence is about: aliases, antecedents of referring sentences, term coverage.

A sentence like "The Hospital is recognized as IRCCS ..." is about the hospital
named earlier; :class:`CorpusView` finds that antecedent so a question about
"San Raffaele" is grounded in it, and one about "Humanitas" is not.

>>> from cartqa.records import Chunk
>>> text = "The National Cancer Institute of Milan (INT) opened in 1928. The Institute has 464 beds."
>>> view = CorpusView([Chunk("d", text, 0, len(text))])
>>> view.aliases["int"]
('national', 'cancer', 'institute', 'milan')
>>> CorpusView([Chunk("d", "It joined the European consortium EURE-CART.", 0, 45)]).descriptions
{'eure-cart': ('european', 'consortium')}
>>> s = view.sentences["d"][1]
>>> s.text, sorted(view.carried(s))[:3]
('The Institute has 464 beds.', ['1928', 'cancer', 'institute'])
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from cartqa.corpus.chunking import document_texts
from cartqa.corpus.headings import Headings
from cartqa.corpus.sentences import sentence_spans
from cartqa.corpus.text import STOPWORDS, stem, word_forms, words
from cartqa.corpus.wordstats import CorpusWords, merge, of_document
from cartqa.lazy import LazyMapping
from cartqa.records import Chunk

# A sentence that opens with a definite common noun ("The Hospital is", "The center is").
# "The city of Milano" and "The Institutes participating in the Plagencell Project" name their
# referent, so they do not refer back.
_DEFINITE_START = re.compile(r"^(?:The|This|These|That|Those|Such)\s+([A-Za-z][a-z]+)\b(?!\s+[A-Z])(?!\s+of\s+[A-Z])"
                             r"(?!\s+[a-z]+(?:ing|ed)\s+(?:in|of|by|at|for|to|from|with)\s+(?:the\s+)?[A-Z])")
_PRONOUN = re.compile(r"^(?:It|Its|They|Their|He|She|His|Her|Both)\b|\b(?:of them|its|their)\b")
_LOOKBACK = 6
_PLURAL_PRONOUN = re.compile(r"\b(?:of them|of these|of those|They|they|them)\b")


def _plural_head(phrase: str) -> bool:
    """A common noun phrase whose head is plural ("research institutes"), not a name."""
    last = phrase.split()[-1] if phrase.split() else ""
    return last.islower() and last.endswith("s") and not last.endswith("ss") and len(last) > 3


class Thesaurus(Protocol):
    """What words mean beyond their spelling (:data:`cartqa.reading.wordnet.WORDNET`)."""

    def is_a(self, word: str, kind: str) -> bool | None:
        """Is a ``word`` a ``kind`` ("hematologists", "doctors")? None when either is unknown."""

    def same_action(self, verb: str, other: str, every_sense: bool = False) -> bool:
        """Does ``verb`` ("deals", "takes care") share a sense with the verb ``other`` ("treat")?
        ``every_sense``: in any sense, and ``other`` may be a way of doing ``verb`` ("established" / "created")."""


class Parser(Protocol):
    """What a :class:`CorpusView` needs from a syntactic parser (see :mod:`cartqa.reading.syntax`)."""

    def sentences(self, texts: list[str]) -> list: ...  # objects with .phrases and .subject

    def question(self, question: str): ...  # an object with .subject (bool) and .focus (str)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, with offsets into its normalised text."""

    doc: str
    index: int
    start: int
    end: int
    text: str


def split(texts: Mapping[str, str]) -> LazyMapping[str, list[Sentence]]:
    """Each document's sentences, split when the document is first asked for.

    A question reads the sentences of a few documents; splitting all of them took ~0.2 s of a new
    process's start at 1,000 documents (~2 s at 10,000).

    >>> by_doc = split({"d": "INT has 464 beds. It opened in 1928."})
    >>> [s.text for s in by_doc["d"]], "d" in by_doc, "e" in by_doc, by_doc.made
    (['INT has 464 beds.', 'It opened in 1928.'], True, False, 1)
    """
    def sentences(doc: str) -> list[Sentence]:
        text = texts[doc]
        return [Sentence(doc, i, s, e, text[s:e]) for i, (s, e) in enumerate(sentence_spans(text))]

    return LazyMapping(texts, sentences)


class CorpusView:
    """Sentences, aliases and term statistics of an index build, computed once."""

    def __init__(self, chunks: list[Chunk], parser: Parser | None = None,
                 thesaurus: Thesaurus | None = None, counts: CorpusWords | None = None) -> None:
        """``counts``: the corpus's word counts as the index build stored them for these chunks;
        without them, they are worked out here (seconds at 1,000 documents)."""
        self._texts = document_texts(chunks)  # each rebuilt when first asked for
        self.sentences = split(self._texts)
        self.stored_counts = counts  # what the build counted (how words are written too), or None
        if counts is None:
            counts = merge(of_document([s.text for s in doc]) for doc in self.sentences.values())
        self.aliases = counts.aliases
        self.descriptions = counts.descriptions
        self._idf = {t: math.log(1 + counts.sentences / n) for t, n in counts.df.items()}
        self._max_idf = math.log(1 + max(counts.sentences, 1))
        self.vocabulary = counts.vocabulary
        self.acronyms = counts.acronyms
        self.proper = counts.proper  # written capitalised inside a sentence: names
        self.names_only = counts.names_only  # never written in lower case: names, even in a lower-case question
        self.place_adjectives = counts.place_adjectives
        # What a sentence carries, its antecedent, referent and parse are worked out when first
        # asked, then kept: most sentences never are, and doing all of them took most of a new
        # process's start at 1,000 documents.
        self._carried: dict[tuple[str, int], frozenset[str]] = {}
        self._carried_names: dict[tuple[str, int], frozenset[str]] = {}
        self._antecedents: dict[tuple[str, int], Sentence | None] = {}
        self._referents: dict[tuple[str, int], frozenset[str]] = {}
        self._headings: dict[str, Headings] = {}
        # Noun phrases and subjects (offsets within each sentence), when a parser is given. A parser
        # holding the build's parses reads them when first asked, and parses a sentence it lacks
        # then (:meth:`_parse`); one holding none (an index built without the parser) parses every
        # sentence now, in one batch.
        self._parser = parser
        held = getattr(parser, "held", None)
        todo = [s for doc in self.sentences.values() for s in doc] if parser and not (held and held()) else []
        parsed = parser.sentences([s.text for s in todo]) if todo else []
        self._parsed: dict[tuple[str, int], object] = {(s.doc, s.index): p for s, p in zip(todo, parsed)}
        self.thesaurus = thesaurus

    def is_a(self, word: str, kind: str) -> bool | None:
        """Is a ``word`` a ``kind`` ("hematologists", "doctors")? None when unknown or no thesaurus is given."""
        return self.thesaurus.is_a(word, kind) if self.thesaurus else None

    def same_action(self, verb: str, other: str, every_sense: bool = False) -> bool:
        """Does ``verb`` share a sense with the verb ``other``? False without a thesaurus."""
        return bool(self.thesaurus) and self.thesaurus.same_action(verb, other, every_sense)

    def home_country(self, word: str) -> bool:
        """Is ``word`` the country the documents are of, or its adjective: a country whose adjective
        they use ("Italy", "Italian")?

        Such documents call it "national": "at the *national* level" is Italy's level.
        """
        if word in self.place_adjectives:  # "italian": is it a country's? (Italy, Germany, Spain ...)
            return any(self.is_a(c, "country") and _demonym(c, word)
                       for c in (word[:-3] + "y", word + "y", word[:-1], word[:-2], word[:-3]) if len(c) >= 4)
        return bool(self.is_a(word, "country")) and any(_demonym(word, a) for a in self.place_adjectives)

    def phrases(self, sentence: Sentence) -> tuple[tuple[int, int], ...]:
        """Base noun phrases of ``sentence`` as (start, end) within its text; empty without a parser."""
        p = self._parse(sentence)
        return p.phrases if p else ()

    def subject(self, sentence: Sentence) -> tuple[int, int] | None:
        """The subject of the sentence's main verb, as (start, end) within its text."""
        p = self._parse(sentence)
        return p.subject if p else None

    def _parse(self, sentence: Sentence):
        """The parse of the view's own sentence at ``sentence``'s place; None for one outside the view."""
        key = (sentence.doc, sentence.index)
        if key not in self._parsed:
            own = self.sentences.get(sentence.doc, [])
            if self._parser is None or not 0 <= sentence.index < len(own):
                return None
            self._parsed[key] = self._parser.sentences([own[sentence.index].text])[0]
        return self._parsed[key]

    def parse_question(self, question: str):
        """The parser's reading of the question's wh-phrase (``subject``, ``focus``), or None.

        A question typed in lower case is parsed as written properly: the tagger reads a
        sentence-initial "which" better with its capital.
        """
        question = question.strip()
        return self._parser.question(question[:1].upper() + question[1:]) if self._parser else None

    def topic(self, statement: str) -> str:
        """What a statement put before a question is about, as written; "" without a parser.

        Its subject; after "I" or "my colleague", the first noun phrase that follows; a bare noun phrase, itself:
        "I'd like to know about *the IEO*.", "*The cells stored in the banks*: what is their source?"
        """
        text = statement.strip().rstrip(".:;!?, ")
        if not self._parser or not text:
            return ""
        parsed = self._parser.sentences([text])[0]
        if not parsed.phrases:
            return ""
        if parsed.subject is None:
            start = parsed.phrases[0][0]
            bare = not text[:start].strip() or re.fullmatch(r"(?:about|regarding|concerning|as for|on)\s*", text[:start], re.I)
            return text[start:] if bare else text[slice(*parsed.phrases[-1])]
        subject = text[slice(*parsed.subject)]
        if re.match(r"(?:i|we|you|my|our|your)\b", subject, re.I):  # "I read that *San Raffaele* was picked"
            return next((text[a:b] for a, b in parsed.phrases if a >= parsed.subject[1]
                         and not re.fullmatch(r"(?:i|we|you|me|us|it)", text[a:b], re.I)), "")
        return subject

    def idf(self, term: str) -> float:
        """Rarer terms weigh more; a term the corpus never uses weighs most."""
        return self._idf.get(term, self._max_idf)

    def sentence_at(self, doc: str, start: int) -> Sentence | None:
        """The sentence of ``doc`` that contains absolute offset ``start``."""
        for s in self.sentences.get(doc, []):
            if s.start <= start < s.end:
                return s
        return None

    def antecedent(self, sentence: Sentence) -> Sentence | None:
        """The earlier sentence a referring sentence points back to, if any."""
        return self._kept(self._antecedents, sentence, self._find_antecedent)

    def carried(self, sentence: Sentence) -> frozenset[str]:
        """Folded words the sentence is about without saying them: its antecedent's, plus aliases."""
        return self._kept(self._carried, sentence, self._carry)

    def carried_names(self, sentence: Sentence) -> frozenset[str]:
        """The part of :meth:`carried` that names who or what the sentence is about."""
        return self._kept(self._carried_names, sentence, self._carry_names)

    def _kept(self, memo: dict, sentence: Sentence, compute):
        """``compute`` of the view's own sentence at ``sentence``'s place, worked out once; a
        sentence from outside the view is computed each time."""
        key = (sentence.doc, sentence.index)
        if key not in memo:
            own = self.sentences.get(sentence.doc, [])
            if not 0 <= sentence.index < len(own):
                return compute(sentence)
            memo[key] = compute(own[sentence.index])
        return memo[key]

    def referent(self, sentence: Sentence) -> frozenset[str]:
        """Folded words of what a plural pronoun stands for: "hosts 17 *of them*" after "... the largest
        number of *hospitals and research institutes dedicated to oncology*". Empty when there is none.

        Those words are said of the sentence as fully as its own: "17 of them" are 17 such hospitals.
        """
        return self._kept(self._referents, sentence, self._find_referent)

    def _find_referent(self, sentence: Sentence) -> frozenset[str]:
        prev = self.antecedent(sentence)
        if prev is None or not _PLURAL_PRONOUN.search(sentence.text):
            return frozenset()
        phrases = list(self.phrases(prev))
        plural = [i for i, (a, b) in enumerate(phrases) if _plural_head(prev.text[a:b])]
        if not plural:
            return frozenset()
        first = last = plural[-1]
        # "hospitals *and* research institutes": conjoined phrases are one referent
        while first > 0 and re.fullmatch(r",?\s*(?:and|or)\s+|,\s*", prev.text[phrases[first - 1][1]:phrases[first][0]]):
            first -= 1
        end = phrases[last][1]
        # "... institutes *dedicated to oncology*.": a participle phrase ending the sentence modifies it
        rest = prev.text[end:]
        if re.match(r"\s+\w+(?:ed|ing)\b[^,;:]*[.!?]?\s*$", rest):
            end = len(prev.text)
        return frozenset(w for w in words(prev.text[phrases[first][0]:end]) if w not in STOPWORDS)

    def _find_antecedent(self, sentence: Sentence) -> Sentence | None:
        """The earlier sentence a referring sentence points back to, if any.

        "The Hospital ..." points to the nearest earlier sentence naming a
        hospital other than by its own opening "The Hospital"; a pronoun points to
        the nearest earlier sentence that does not itself refer back.
        """
        before = self.sentences.get(sentence.doc, [])[max(0, sentence.index - _LOOKBACK): sentence.index]
        definite = _DEFINITE_START.match(sentence.text)
        if definite:
            head = stem(definite.group(1).lower())
            for prev in reversed(before):
                if head in stems(_without_opening(prev.text)):
                    return prev
        if _PRONOUN.search(sentence.text):
            for prev in reversed(before):
                if not refers_back(prev.text):
                    return prev
        return None

    def headed(self, sentence: Sentence) -> frozenset[str]:
        """Folded words of the document's title and the heading the sentence sits under."""
        if sentence.doc not in self._headings:
            self._headings[sentence.doc] = Headings.of(self._texts.get(sentence.doc, ""))
        return frozenset(w for h in self._headings[sentence.doc].over(sentence.start)
                         for w in word_forms(h) if w not in STOPWORDS)

    def _carry(self, sentence: Sentence) -> frozenset[str]:
        prev = self._find_antecedent(sentence)
        carried = {w for w in word_forms(prev.text) if w not in STOPWORDS} if prev else set()
        # Under "Linnerrud dataset", "Number of Instances: 20" is the dataset's number of instances.
        carried |= self.headed(sentence)
        return frozenset(carried | self.alias_words(carried | set(words(sentence.text))))

    def _carry_names(self, sentence: Sentence) -> frozenset[str]:
        prev = self._find_antecedent(sentence)
        names = {w for m in re.finditer(r"\b[A-Z][\w'-]*", prev.text) for w in word_forms(m.group())
                 if w not in STOPWORDS} if prev else set()
        return frozenset(names | self.alias_words(names | set(words(sentence.text))))

    def alias_words(self, present: set[str], descriptions: bool = False) -> set[str]:
        """Words of the aliases of whatever names ``present`` contains.

        ``descriptions=True`` adds what a close apposition describes a name as ("the European
        consortium EURE-CART"): a sentence naming EURE-CART is about a European consortium. But
        one after it is not, and "What kind of organisation is EURE-CART?" is not answered by it.
        """
        out: set[str] = set()
        for index in (self._alias_index, self._description_index) if descriptions else (self._alias_index,):
            for short, long in index.named_by(present):
                out.add(short)
                out.update(long)
        return out

    @functools.cached_property
    def _alias_index(self) -> _NameIndex:
        return _NameIndex.of(self.aliases)

    @functools.cached_property
    def _description_index(self) -> _NameIndex:
        return _NameIndex.of(self.descriptions)


@dataclass(frozen=True)
class _NameIndex:
    """Short names and their long forms, looked up by the words a text says: every sentence the
    reader scores asks which aliases it names, and going through all of them took ~0.5 ms a call,
    17 calls a question, at 1,000 documents (they grow with the corpus).

    >>> index = _NameIndex.of({"int": ("national", "cancer", "institute"), "ieo": ("european", "oncology")})
    >>> sorted(short for short, _ in index.named_by({"the", "cancer", "national", "institute"}))
    ['int']
    >>> [short for short, _ in index.named_by({"ieo"})], list(index.named_by({"european"}))
    (['ieo'], [])
    """

    by_short: Mapping[str, tuple[str, ...]]
    by_first: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]  # a long form's first word -> its pairs
    always: tuple[tuple[str, tuple[str, ...]], ...]  # pairs with no long form's words (named by nothing)

    @classmethod
    def of(cls, names: Mapping[str, tuple[str, ...]]) -> _NameIndex:
        by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for short, long in names.items():
            if long:
                by_first.setdefault(long[0], []).append((short, long))
        return cls(dict(names), {w: tuple(pairs) for w, pairs in by_first.items()},
                   tuple((short, long) for short, long in names.items() if not long))

    def named_by(self, present: Collection[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
        """The (short, long) pairs whose short name ``present`` holds, or every word of the long form."""
        yield from self.always
        for word in present:
            if word in self.by_short:
                yield word, self.by_short[word]
            for short, long in self.by_first.get(word, ()):
                if all(w in present for w in long):
                    yield short, long


def _without_opening(text: str) -> str:
    """The sentence minus a referring opening ("The Institute ..."), which names nothing."""
    m = _DEFINITE_START.match(text)
    return text[m.end():] if m else text


def refers_back(text: str) -> bool:
    """True for sentences that open with a definite common noun or a pronoun."""
    return bool(_DEFINITE_START.match(text) or _PRONOUN.match(text))


def stems(text: str) -> list[str]:
    """Stemmed non-stopword words."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def covers(term: str, available: frozenset[str] | set[str]) -> bool:
    """``term`` is in ``available``, or spelt closely enough (Pagencell / Plagencell, Milan / Milano)."""
    if term in available:
        return True
    if len(term) < 4 or term.isdigit():
        return False
    return _fuzzy(term, frozenset(available))


@functools.lru_cache(maxsize=100_000)
def _fuzzy(term: str, available: frozenset[str]) -> bool:
    from rapidfuzz import fuzz, process

    if process.extractOne(term, available, scorer=fuzz.ratio, score_cutoff=82) is not None:
        return True
    # The head of a compound: "therapy" in "immunotherapy", "specialty" in "multi-specialty".
    if len(term) >= 5 and any(len(w) > len(term) + 2 and w.endswith(term) for w in available):
        return True
    return any(_demonym(term, w) or _demonym(w, term) for w in available)


_DEMONYM_ENDINGS = ("", "n", "an", "ian", "ean", "ese", "ish")


def _demonym(place: str, word: str) -> bool:
    """Is ``word`` the adjective of ``place``: Italy / Italian, Europe / European, Milan / Milanese?

    >>> _demonym("italy", "italian"), _demonym("itali", "italian"), _demonym("europ", "european")
    (True, True, True)
    >>> _demonym("program", "programme"), _demonym("milan", "milano")
    (False, False)
    """
    base = place[:-1] if place[-1:] in ("y", "e", "i") else place
    return len(base) >= 4 and len(word) > len(base) and word.startswith(base) and word[len(base):] in _DEMONYM_ENDINGS
