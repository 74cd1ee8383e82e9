"""Answers inside enumerations: the item a question points at, or as many items as it asks for.

>>> from cartqa.reading.grounding import CorpusView
>>> from cartqa.reading.question import analyse
>>> from cartqa.records import Chunk
>>> text = "The factories are: A in Monza, B in Bergamo, C in Pavia and D in Milano."
>>> s = CorpusView([Chunk("d", text, 0, len(text))]).sentences["d"][0]
>>> _, a, b = list_pick(analyse("Which factory is in Pavia?"), s, frozenset({"factori", "pavia"}), None)
>>> text[a:b]
'C in Pavia'
"""

from __future__ import annotations

import re
from itertools import groupby

from cartqa.corpus.enumerations import is_enumeration, lead_in, list_head, list_items
from cartqa.corpus.text import STOPWORDS, stem, words
from cartqa.reading.grounding import CorpusView, Sentence, covers, stems
from cartqa.reading.question import Question
from cartqa.reading.semantic import Related
from cartqa.reading.sentence_spans import Span, new_words, phrase_at


def list_pick(q: Question, s: Sentence, asked: frozenset[str], related: Related | None) -> Span | None:
    """In an enumeration, the item(s) the question's other words point at ("in Pavia").

    Failing that, the one item closest in meaning to them ("blood diseases" ->
    "hematology"); when the question asks for one item ("name one of the
    departments"), the first item that the question does not itself name.
    """
    single = q.single
    items = list_items(s.text)
    if len(items) < 3 or not is_enumeration(s.text, items):
        return None
    head = frozenset(stems(list_head(s.text)))
    qualifiers = [t for t in asked if not covers(t, head)]
    pointing = {it: sum(covers(t, frozenset(stems(s.text[it[0]:it[1]]))) for t in qualifiers) for it in items}
    if q.excluding:  # "Besides A, B and C, which other ...": the item the question does not name
        # the list's lead-in is no item ("The Institute has programs ... of research, preclinical, ...")
        members = lead_in(s.text, items)[1] or items
        short = [(a, b) for a, b in members if len(words(s.text[a:b])) <= 12]
        # "surgery and radiotherapy" is two items
        parts = [(a + m.start(), a + m.end()) for a, b in short
                 for m in re.finditer(r"(?:(?<=^)|(?<=\band )|(?<=\bor ))\S(?:.*?\S)?(?=\s+(?:and|or)\s+|$)", s.text[a:b])]
        rest = [it for it in parts if new_words(s.text[it[0]:it[1]], asked) and not (
                q.excluded and all(covers(t, frozenset(stems(s.text[it[0]:it[1]]))) for t in q.excluded))]
        # "Besides A, which other *Milan* institute": of the rest, those the question's other words point at
        # (a name's word counts on its own: "*Milan*-based foundation")
        others = [t for t in {*qualifiers, *(stem(w) for e in q.entities for w in e)} if t not in q.excluded]
        point = {it: sum(covers(t, frozenset(stems(s.text[it[0]:it[1]]))) for t in others) for it in rest}
        if max(point.values(), default=0):
            rest = [it for it in rest if point[it] == max(point.values())]
        if len(rest) == 1 or (rest and q.single):
            return s, *rest[0]
        if not rest or (":" not in s.text and not lead_in(s.text, items)[1]):
            return None  # a list announced by a colon or a lead-in clause ("... in every field of research, A, B")
        # "which other departments": the rest, never an item named: the longest run of them side by side
        run = max((list(g) for named, g in groupby(parts, key=lambda p: p not in rest) if not named), key=len)
        return s, run[0][0], run[-1][1]
    lead, members = lead_in(s.text, items)
    if members:  # the clause leading into the list is none of its members
        items = members
        pointing = {it: pointing[it] for it in items}
    most = max(pointing.values(), default=0)
    # The item the question points at most ("the Monza factory of the Tettamanti Foundation").
    chosen = [it for it in items if most and pointing[it] == most]
    if not chosen and related:
        chosen = _closest_item(q, s, items, head, related)
    # An item naming most of the question is the list's lead-in, not an answer.
    free = [it for it in items if new_words(s.text[it[0]:it[1]], asked) and len(words(s.text[it[0]:it[1]])) <= 12]
    chosen = [it for it in chosen if it in free]
    if single:
        pointed = chosen
        if pointed:
            return s, *pointed[0]
        if free and (":" in s.text or len(free) >= 3):
            return s, *free[0]
        return None
    # "Which departments does the center have?" / "... different departments that come together in:
    # A, B and C": the question asks for what the list's lead-in announces, all of it; so does one whose
    # preposition is where the lead-in leaves off ("the areas *in* which they come together" / "... in:").
    # ("*into* which areas" / "... in:": into is in, of motion)
    preposition = {"into": "in(?:to)?", "onto": "on(?:to)?"}.get(q.preposition, q.preposition)
    announced = covers(q.focus, frozenset(stems(lead))) or (
        q.preposition and re.search(rf"\b{preposition}\s*$", lead) is not None)
    if not chosen and members and announced and not any(pointing.values()):
        return s, items[0][0], items[-1][1]
    if not chosen:
        return None  # an enumeration, but the question does not point into it
    if len(chosen) == 1:
        return s, *chosen[0]
    # Several items named: answer with all of them only for a real enumeration
    # ("...: A, B and C") whose chosen items sit together; otherwise read the clause.
    adjacent = chosen == items[items.index(chosen[0]):items.index(chosen[0]) + len(chosen)]
    if ":" in s.text and adjacent:
        return s, chosen[0][0], chosen[-1][1]
    return None


LIST_MEANING = 0.45  # cosine an item needs to be picked by meaning alone


def _closest_item(q: Question, s: Sentence, items: list[tuple[int, int]], head: frozenset[str],
                  related: Related) -> list[tuple[int, int]]:
    """The item nearest in meaning to the question's words that the sentence lacks."""
    present = frozenset(stems(s.text))
    loose = [w for t, w in zip(q.terms, q.term_words) if not covers(t, present) and not covers(t, head)]
    if not loose:
        return []
    texts = [s.text[a:b] for a, b in items]
    scores = [max(related(w, [t]) for w in loose) for t in texts]
    best = max(range(len(items)), key=scores.__getitem__)
    return [items[best]] if scores[best] >= LIST_MEANING else []


def excludes_the_list(q: Question, s: Sentence) -> bool:
    """"Besides the five cell factories, which hospital ...?": the question sets aside all that the
    sentence's list announces ("... are 5 academic cell factories: A, B, C"), so the sentence has no answer."""
    if not q.excluded or ":" not in s.text:
        return False
    head = frozenset(stems(list_head(s.text)))
    return all(covers(t, head) for t in q.excluded)


def exact_count(q: Question) -> bool:
    """"Which three areas" asks for exactly three; "name two areas" for any two of them."""
    return not re.match(r"\s*(?:name|list|give|mention|cite)\b", q.text, re.I)


# A word before a run that means a question word attaches it too: "brings together *experts*" /
# "specialists" (0.55).
LEAD_MEANING = 0.55


def coordinations(s: Sentence, view: CorpusView, q: Question, asked: frozenset[str],
                  related: Related | None = None) -> list[tuple[int, int]]:
    """Noun phrases joined by commas and a final "and"/"or", as many as the question asks for ("which
    three areas": "cancer prevention, diagnosis and treatment"), or at least that many when it asks to
    name some ("name two areas": the whole run). Not a run the question already says, and only one
    attached to what the question says besides its names: "strives for *excellence* in A, B and C"."""
    exact = exact_count(q)
    named = frozenset(stem(w) for e in q.entities for w in e)
    phrases = view.phrases(s)
    runs: list[list[tuple[int, int]]] = []
    for k, phrase in enumerate(phrases):
        joined = k > 0 and phrases[k - 1][1] < phrase[0] and re.fullmatch(r",?\s*(?:and|or)?\s*",
                                                                           s.text[phrases[k - 1][1]:phrase[0]])
        if joined:
            runs[-1].append(phrase)
        else:
            runs.append([phrase])
    found = []
    for run in runs:
        closed = re.search(r"\b(?:and|or)\b", s.text[run[-2][1]:run[-1][0]]) if len(run) > 1 else None
        if not closed or len(run) < q.items or (exact and len(run) != q.items):
            continue
        a, b = (phrase_at(s, view, run[0][0]) or run[0])[0], run[-1][1]
        lead = [w for w in words(s.text[:a])[-4:] if w not in STOPWORDS]
        loose = [w for t, w in zip(q.terms, q.term_words) if t not in named]
        attached = any(covers(stem(w), asked - named) for w in lead) or bool(
            related and lead and loose and max(related(w, lead) for w in loose) >= LEAD_MEANING)
        if new_words(s.text[a:b], asked) >= q.items - 1 and attached:
            found.append((a, b))
    return found
