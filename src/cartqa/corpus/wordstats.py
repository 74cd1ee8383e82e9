"""What the reader counts over the whole corpus, worked out one document at a time.

The reader weighs a question's words by how many corpus sentences use them (idf), tells names
from common words by how the corpus writes them, and expands acronyms it defines. Worked out
over every sentence, that took most of a new process's start at 1,000 documents (~4 s). So
each document's share is counted on its own (:func:`of_document`, stored by the index build
and reused for an unchanged document) and the shares are summed (:func:`merge`): the build
stores the sum, and a new process reads one small record instead of re-reading the corpus.

>>> one = of_document(["The National Cancer Institute of Milan (INT) opened in 1928.", "INT has 464 beds."])
>>> two = of_document(["The Istituto Europeo di Oncologia treats cancer."])
>>> corpus = merge([one, two])
>>> corpus.sentences, corpus.df["cancer"], corpus.aliases["int"]
(3, 2, ('national', 'cancer', 'institute', 'milan'))
>>> sorted(corpus.names_only), sorted(corpus.acronyms)
(['europeo', 'institute', 'istituto', 'milan', 'national', 'oncologia'], ['INT'])
>>> CorpusWords.from_json(corpus.to_json()) == corpus
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cartqa.corpus.shapes import SHAPES, by_shape
from cartqa.corpus.shapes import written as shapes_written
from cartqa.corpus.text import STOPWORDS, terms, words

# "Long Name (ACR)" and "ACR (Long Name)".
LONG_THEN_SHORT = re.compile(r"((?:[A-Z][\w'-]*\s+(?:(?:of|for|and|the|di|del|dei)\s+)*){1,8})\(([A-Z]{2,}[\w-]*)\)")
SHORT_THEN_LONG = re.compile(r"\b([A-Z]{2,}[\w-]*)\s+\(([A-Z][^()]{5,80})\)")
# A close apposition naming a kind before the name: "the *European consortium* EURE-CART".
KIND_THEN_SHORT = re.compile(r"\b([A-Z][a-z]+(?:an|ese|ish|ic)\s+[a-z]{4,})\s+([A-Z]{2,}(?:-[A-Z]{2,})*)\b")
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# Words written capitalised inside a sentence are names, even where they open one.
_INNER_CAPITAL = re.compile(r"(?<=[a-z,;] )([A-Z][\w'-]+)")
_LOWER_WORD = re.compile(r"\b[a-z][\w'-]*")
# A place's adjective before a noun ("the *Italian* coordinator", "the *European* consortium").
_PLACE_ADJECTIVE = re.compile(r"\b([A-Z][a-z]+(?:an|ese|ish))\s+[a-z]")

Pairs = tuple[tuple[str, tuple[str, ...]], ...]  # (acronym, its words), in the order the text gives them
# The words written in lower case, with a capital, in capitals (cartqa.corpus.shapes.SHAPES): None
# when not worked out (a view counting at load leaves them to the Italian reader, which may never ask).
Written = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None


@dataclass(frozen=True)
class DocumentWords:
    """One document's share of :class:`CorpusWords` (sets as sorted tuples, so a record is stable)."""

    sentences: int
    terms: tuple[str, ...]  # each sentence's distinct terms, one after another: summed into document frequencies
    vocabulary: tuple[str, ...]
    acronyms: tuple[str, ...]
    proper: tuple[str, ...]  # written capitalised inside a sentence
    lower: tuple[str, ...]  # written in lower case somewhere
    place_adjectives: tuple[str, ...]
    long_then_short: Pairs  # "Long Name (ACR)": the last one of an acronym wins
    short_then_long: Pairs  # "ACR (Long Name)": counts only where no "Long Name (ACR)" does
    described: Pairs  # "the European consortium EURE-CART"
    written: Written = None  # over the document's chunks, as the Italian reader reads them

    def to_json(self) -> dict:
        """Word lists as one space-joined string each (no word holds a space): small and quick to read."""
        out: dict = {"sentences": self.sentences}
        for name in ("terms", "vocabulary", "acronyms", "proper", "lower", "place_adjectives"):
            out[name] = " ".join(getattr(self, name))
        for name in ("long_then_short", "short_then_long", "described"):
            out[name] = [[short, " ".join(long)] for short, long in getattr(self, name)]
        if self.written is not None:
            out["written"] = [" ".join(group) for group in self.written]
        return out

    @classmethod
    def from_json(cls, data: dict) -> DocumentWords:
        lists = {name: tuple(data[name].split())
                 for name in ("terms", "vocabulary", "acronyms", "proper", "lower", "place_adjectives")}
        pairs = {name: tuple((short, tuple(long.split())) for short, long in data[name])
                 for name in ("long_then_short", "short_then_long", "described")}
        groups = data.get("written")
        return cls(sentences=int(data["sentences"]), **lists, **pairs,
                   written=None if groups is None else tuple(tuple(g.split()) for g in groups))


def of_document(sentences: Sequence[str], chunks: Sequence[str] | None = None) -> DocumentWords:
    """What one document's sentences add to the corpus's counts; with the texts of its ``chunks``,
    how it writes its words too."""
    # The sentences joined as the whole corpus was before: a name and its acronym may sit across a
    # sentence break ("... Milan\n(INT)"), never across two documents.
    whole = " ".join(sentences)
    return DocumentWords(
        sentences=len(sentences),
        terms=tuple(t for s in sentences for t in dict.fromkeys(terms(s))),
        vocabulary=_sorted(w for s in sentences for w in words(s)),
        acronyms=_sorted(m.group() for s in sentences for m in _ACRONYM.finditer(s)),
        proper=_sorted(m.group(1).lower() for s in sentences for m in _INNER_CAPITAL.finditer(s)),
        lower=_sorted(w for s in sentences for w in words(" ".join(_LOWER_WORD.findall(s)))),
        place_adjectives=_sorted(m.group(1).lower() for s in sentences for m in _PLACE_ADJECTIVE.finditer(s)),
        long_then_short=tuple((short.lower(), _content(long)) for long, short in LONG_THEN_SHORT.findall(whole)),
        short_then_long=tuple((short.lower(), _content(long)) for short, long in SHORT_THEN_LONG.findall(whole)),
        described=tuple((short.lower(), tuple(words(long))) for long, short in KIND_THEN_SHORT.findall(whole)),
        written=None if chunks is None else by_shape(shapes_written(chunks)),
    )


@dataclass(frozen=True)
class CorpusWords:
    """The corpus's counts the reader uses (:class:`cartqa.reading.grounding.CorpusView`)."""

    sentences: int
    df: dict[str, int]  # how many sentences use each term
    vocabulary: frozenset[str]
    acronyms: frozenset[str]
    proper: frozenset[str]
    names_only: frozenset[str]  # names the corpus never writes in lower case
    place_adjectives: frozenset[str]
    aliases: dict[str, tuple[str, ...]]  # acronym -> the content words of its long name
    descriptions: dict[str, tuple[str, ...]]  # acronym -> what an apposition says it is (no alias)
    written: Written = None  # the words written in each shape (cartqa.corpus.shapes.by_shape)

    def to_json(self) -> dict:
        out: dict = {"sentences": self.sentences, "df": self.df}
        for name in ("vocabulary", "acronyms", "proper", "names_only", "place_adjectives"):
            out[name] = " ".join(sorted(getattr(self, name)))
        for name in ("aliases", "descriptions"):
            out[name] = [[short, " ".join(long)] for short, long in getattr(self, name).items()]
        if self.written is not None:
            out["written"] = [" ".join(group) for group in self.written]
        return out

    @classmethod
    def from_json(cls, data: dict) -> CorpusWords:
        sets = {name: frozenset(data[name].split())
                for name in ("vocabulary", "acronyms", "proper", "names_only", "place_adjectives")}
        maps = {name: {short: tuple(long.split()) for short, long in data[name]} for name in ("aliases", "descriptions")}
        groups = data.get("written")
        return cls(sentences=int(data["sentences"]), df={k: int(v) for k, v in data["df"].items()}, **sets, **maps,
                   written=None if groups is None else tuple(tuple(g.split()) for g in groups))


def merge(documents: Iterable[DocumentWords]) -> CorpusWords:
    """The corpus's counts from its documents' shares, taken in corpus order (it decides which
    long name an acronym keeps when documents disagree: the last "Long Name (ACR)" one)."""
    documents = list(documents)
    df = Counter(t for d in documents for t in d.terms)
    proper = frozenset(w for d in documents for w in d.proper)
    lower = {w for d in documents for w in d.lower}
    aliases: dict[str, tuple[str, ...]] = {}
    for d in documents:
        aliases.update(d.long_then_short)
    for d in documents:
        for short, long in d.short_then_long:
            aliases.setdefault(short, long)
    described = dict(pair for d in documents for pair in d.described)
    return CorpusWords(
        sentences=sum(d.sentences for d in documents),
        df=dict(df),
        vocabulary=frozenset(w for d in documents for w in d.vocabulary),
        acronyms=frozenset(w for d in documents for w in d.acronyms),
        proper=proper,
        names_only=frozenset(w for w in proper if w not in lower and w[:1].isalpha()),
        place_adjectives=frozenset(w for d in documents for w in d.place_adjectives),
        aliases=aliases,
        descriptions={k: v for k, v in described.items() if k not in aliases},
        written=None if any(d.written is None for d in documents) else tuple(
            tuple(sorted({w for d in documents for w in d.written[i]})) for i in range(len(SHAPES))),
    )


def _content(long: str) -> tuple[str, ...]:
    return tuple(w for w in words(long) if w not in STOPWORDS)


def _sorted(found: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(found)))
