"""Questions the documents can answer, made from the sentences of the passages a refusal
found closest, so a refusal points somewhere useful.

Grammar, not templates: spaCy's parse of each sentence gives its subject, verb and
objects; a date after "in"/"since" becomes a *when* question, a counted object a *how
many* question, "X is Y" a *what is X* question. The chat keeps only the questions
:func:`cartqa.answer` then answers (see ``ui.suggest_for``).

>>> candidate_questions(["INT, established in 1928, is a hospital. INT has 464 inpatient beds."])  # doctest: +SKIP
['When was INT established?', 'What is INT?', 'How many inpatient beds does INT have?']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")
_PRONOUNS = {"it", "its", "they", "them", "this", "that", "these", "those", "he", "she", "we", "i", "you", "which"}
_DROP = {"acl", "relcl", "appos", "punct", "advcl", "cc", "conj", "parataxis", "nummod"}
_DO = {"VBD": "did", "VBZ": "does", "VBP": "do"}
MAX_PHRASE_WORDS = 9  # longer subjects read like a paragraph, not a question


def _nlp():
    from cartqa.corpus.parsing import english

    return english()


def _phrase(head, drop: set[str] = _DROP) -> str:
    """The head's phrase without clauses, appositions, brackets or numbers hanging off it."""
    skip: set[int] = set()
    for child in head.children:
        if child.dep_ in drop:
            skip.update(t.i for t in child.subtree)
    tokens = [t for t in head.subtree if t.i not in skip]
    depth, kept = 0, []
    for t in tokens:  # leave out anything in brackets
        depth += t.text == "("
        if depth == 0 and t.text not in ",;:":
            kept.append(t)
        depth -= t.text == ")" and depth > 0
    if not kept or len(kept) > MAX_PHRASE_WORDS:
        return ""
    words = "".join(t.text_with_ws for t in kept).strip()
    return words[0].lower() + words[1:] if kept[0].lower_ in ("the", "a", "an") else words


def _child(token, *deps: str):
    return next((c for c in token.children if c.dep_ in deps), None)


def _subject_of(verb):
    subj = _child(verb, "nsubj", "nsubjpass")
    if subj is None and verb.dep_ == "conj":  # "... and provides": the first verb's subject
        subj = _child(verb.head, "nsubj", "nsubjpass")
    if subj is None or subj.lower_ in _PRONOUNS:
        return ""
    first = next(iter(subj.subtree))
    if first.pos_ == "NOUN" and first.text[:1].isupper():  # "Partner of X is ...": a fronted predicate
        return ""
    return _phrase(subj)


def _when(sent) -> Iterable[str]:
    for year in (t for t in sent if _YEAR.match(t.text) and t.dep_ == "pobj"):
        prep = year.head
        verb = prep.head
        if prep.lower_ not in ("in", "since") or verb.pos_ not in ("VERB", "AUX"):
            continue
        if verb.dep_ == "acl" and verb.tag_ == "VBN":  # "INT, established in 1928, ..."
            noun = _phrase(verb.head)
            if noun:
                yield f"When was {noun} {verb.text}?"
            continue
        subj, aux = _subject_of(verb), _child(verb, "auxpass")
        if subj and aux is not None:
            yield f"When {aux.text} {subj} {verb.text}?"
        elif subj and verb.tag_ == "VBD":
            obj = _child(verb, "dobj")
            rest = f" {_phrase(obj)}" if obj is not None and _phrase(obj) else ""
            yield f"When did {subj} {verb.lemma_}{rest}?"


def _how_many(sent) -> Iterable[str]:
    for num in (t for t in sent if t.dep_ == "nummod" and t.like_num and not _YEAR.match(t.text)):
        obj, verb = num.head, num.head.head
        if obj.dep_ != "dobj" or verb.tag_ not in _DO:
            continue
        subj, noun = _subject_of(verb), _phrase(obj, _DROP | {"prep"})
        if subj and noun and not noun.lower().startswith(("the ", "a ", "an ")):
            yield f"How many {noun} {_DO[verb.tag_]} {subj} {verb.lemma_}?"


def _what_is(sent) -> Iterable[str]:
    root = sent.root
    if root.lemma_ == "be" and _child(root, "attr", "acomp", "xcomp") is not None:
        subj = _subject_of(root)
        if subj and len(subj.split()) >= 1:
            yield f"What {'is' if root.tag_ in ('VBZ', 'VBD') and root.text.lower() != 'were' else 'are'} {subj}?"


def candidate_questions(passages: Iterable[str], limit: int = 6) -> list[str]:
    """Questions read off the passages' sentences, in passage order, without repeats."""
    seen: list[str] = []
    for doc in _nlp().pipe(list(passages), disable=["ner"]):  # lemmas and parse
        for sent in doc.sents:
            for q in (*_when(sent), *_how_many(sent), *_what_is(sent)):
                q = re.sub(r"\s+", " ", q).strip()
                if q not in seen:
                    seen.append(q)
                if len(seen) >= limit:
                    return seen
    return seen
