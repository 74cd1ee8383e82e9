"""Word-level helpers shared by lexical retrieval and answer extraction.

>>> terms("When was the National Cancer Institute established?")
['nation', 'cancer', 'institut', 'establish']
"""

from __future__ import annotations

import functools
import re

from cartqa.corpus.normalize import fold

# English and Italian function words: they carry no topic, in either language.
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not now of off on
    once only or other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours one ones name named many much tell give list please
    i'd i'm i've i'll we'd we're we've you'd you're you've it's that's there's themselves ourselves yourselves
    himself herself myself yourself least
    il lo la i gli le un uno una di del dello della dei degli delle a al allo alla ai agli alle da dal
    dalla dai dagli dalle in nel nello nella nei negli nelle su sul sulla sui sugli sulle con per tra fra
    e ed o che chi cui non come dove quando quale quali quanto quanti quanta quante cosa perche è e' sono
    era erano ha hanno ho essere avere stato stata stati state si ci ne anche piu più suo sua suoi sue
    loro questo questa questi queste quello quella""".split()
)
_WORD = re.compile(r"[\w'-]+")
# Counts written as words: a figure, never what a question's word means.
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
                         "fifty dozen dozens hundred hundreds thousand thousands million millions".split())


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# "characterized" / "characterises", "organization" / "organisation": one word in two spellings, spelt the
# British way, since no -ise word is spelt -ize ("supervise", "expertise"); a stem of three letters at least
# ("size", "prize" stay)
_AMERICAN_IZE = re.compile(r"^(\w{3,})iz(e|es|ed|ing|ation|ations|er|ers)$")


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """English Snowball stem of a folded word, American "-ize" spelt "-ise" first.

    >>> stem("established"), stem("characterises") == stem("characterized"), stem("supervise") == stem("supervision")
    ('establish', True, True)
    """
    return _stemmer().stemWord(_AMERICAN_IZE.sub(r"\1is\2", word))


def words(text: str) -> list[str]:
    """Folded word tokens, with possessive 's and edge hyphens/quotes removed."""
    return list(_words(text))


# Every question rescans the same corpus sentences: tokenise each once.
@functools.lru_cache(maxsize=50_000)
def _words(text: str) -> tuple[str, ...]:
    out = []
    for token in _WORD.findall(fold(text)):
        token = re.sub(r"'s$", "", token)
        # Italian elision: "l'istituto" -> "istituto", "dell'IEO" -> "ieo".
        token = re.sub(r"^(?:l|dell|all|nell|sull|dall|un|d|c|quell|quest)'(?=\w)", "", token).strip("'-")
        if token:
            out.append(token)
    return tuple(out)


def word_forms(text: str) -> set[str]:
    """``words(text)`` plus the spellings of its hyphenated compounds: "Milano-based" also
    gives "milano" and "based"; "CAR T-cell" also gives "car-t", as "CAR-T" is written elsewhere.

    >>> sorted(word_forms("the CAR T-cell"))
    ['car', 'car-t', 'cell', 't', 't-cell', 'the']
    """
    return set(_word_forms(text))


@functools.lru_cache(maxsize=50_000)
def _word_forms(text: str) -> frozenset[str]:
    tokens = _words(text)
    out = set(tokens)
    for i, token in enumerate(tokens):
        if "-" in token:
            parts = token.split("-")
            out.update(p for p in parts if p)
            if i and "-" not in tokens[i - 1]:
                out.add(f"{tokens[i - 1]}-{parts[0]}")
    return frozenset(out)


def terms(text: str) -> list[str]:
    """Stemmed content words of ``text`` in order (stopwords dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


# Past participles: "stor*ed*", "tak*en*", "gro*wn*" ("*stored* with", "obtained from").
ENGLISH_PARTICIPLE = re.compile(r"\w(?:ed|en|wn)$")

# Verbs that say little alone ("takes part", "has", "acts as", "what happened to"): the words with them
# carry the meaning.
# All forms, because the lemmatizer is not loaded.
LIGHT_VERBS = frozenset(f for v in ("be is are was were been being", "have has had having", "do does did done",
                                    "take takes took taken taking", "make makes made making",
                                    "give gives gave given giving", "get gets got gotten getting",
                                    "go goes went gone going", "come comes came coming",
                                    "become becomes became becoming", "include includes included including",
                                    "feature features featured featuring", "act acts acted acting",
                                    "serve serves served serving", "happen happens happened happening",
                                    # "the region *counts* / *boasts* the most hospitals": has
                                    "count counts counted counting", "boast boasts boasted boasting")
                        for f in v.split())
