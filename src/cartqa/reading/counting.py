"""Counts: which number in a sentence counts what "how many" asks about.

Pure, like :mod:`cartqa.reading.picking`, which calls it for NUMBER questions. A number counts
the head of the phrase after it ("464 inpatient *beds*", "two *teams* of nurses"), or,
written alone or as "17 *of them*", what the sentence before names; failing both, a
counted phrase of like meaning ("centres of excellence" / "6 institutes of excellence").
"""

from __future__ import annotations

import re

from cartqa.corpus.text import STOPWORDS, stem, words
from cartqa.reading.grounding import covers
from cartqa.reading.question import Question
from cartqa.reading.semantic import Related
from cartqa.reading.spans import nearest, number_spans


def count_span(text: str, q: Question, anchor: int, context: frozenset[str],
               related: Related | None = None) -> tuple[int, int] | None:
    """The count of the thing asked about: "how many *beds*" -> "464 inpatient beds".

    ``anchor`` is where the question's words sit in ``text``; ``context`` holds the words the
    sentence is about (its own and its antecedent's). A number counting something else
    ("two teams" for "how many patients") is no answer.

    >>> from cartqa.reading.question import analyse
    >>> text = "INT has 464 inpatient beds and two teams of nurses."
    >>> a, b = count_span(text, analyse("How many beds does INT have?"), 0, frozenset())
    >>> text[a:b]
    '464 inpatient beds'
    >>> count_span(text, analyse("How many nurses does INT have?"), 0, frozenset()) is None
    True
    """
    spans = number_spans(text)
    if not spans:
        return None
    if not q.focus:
        return nearest(spans, anchor)
    focus = frozenset([q.focus])
    mentions = [m for m in re.finditer(r"[\w'-]+", text) if covers(stem(m.group().lower()), focus)]
    for m in mentions:
        # "two teams of professional nurses" counts teams: a noun after "of" is not what is counted.
        before = [sp for sp in spans if 0 <= m.start() - sp[1] <= 40
                  and not re.search(r"\bof\b", text[sp[1]:m.start()])]
        if before:
            return before[-1][0], m.end()
    pronominal = [sp for sp in spans if _PRONOMINAL_COUNT.match(text, sp[1])]
    if not mentions and pronominal and covers(q.focus, frozenset(stem(w) for w in context)):
        return nearest(pronominal, anchor)  # "17 of them": the counted noun is in the antecedent
    if related and not mentions:
        return _counted_by_meaning(text, q, spans, related)
    return None


# A number that names nothing it counts: "hosts 17 of them", "were 5." ("5 academic cell factories" counts factories).
_PRONOMINAL_COUNT = re.compile(r"\s+of\s+(?:them|these|those|which|whom)\b|\s*(?:[.,;:)]|$)")
COUNT_MEANING = 0.45  # cosine the counted noun needs to the noun asked about
# ... or the counted phrase to the asked phrase: "centres of excellence" / "institutes of excellence"
# (0.69), "university cell-manufacturing facilities" / "academic cell factories" (0.73), while
# unrelated counts stay below 0.40 ("centres of excellence" / "clinical specialties available").
PHRASE_COUNT_MEANING = 0.55


def _counted_by_meaning(text: str, q: Question, spans: list[tuple[int, int]],
                        related: Related) -> tuple[int, int] | None:
    """"How many facilities" -> "5 academic cell factories": the counted noun means nearly the same."""
    focus_word = next((w for t, w in zip(q.terms, q.term_words) if t == q.focus), "")
    asked_phrase = _asked_phrase(q)
    best, best_score = None, 0.0
    for a, b in spans:
        phrase_end = _counted_phrase_end(text, b)
        phrase = text[b:phrase_end].strip().lower()
        # The counted noun is the phrase's head: "beds" in "464 inpatient beds" ("hospitals" is near
        # "inpatient", but 464 counts beds), "institutes" in "6 institutes of excellence".
        head = words(phrase.split(" of ")[0])[-1:]
        # Scores are relative to each threshold so that word and phrase evidence compare.
        score = related(focus_word, head) / COUNT_MEANING if head and focus_word else 0.0
        if " " in asked_phrase and head:  # a single word was compared just above
            score = max(score, related(asked_phrase, [phrase]) / PHRASE_COUNT_MEANING)
        if score >= max(best_score, 1.0):
            best, best_score = (a, phrase_end), score
    return best


def _asked_phrase(q: Question) -> str:
    """The wh-phrase as written, with an of-complement: "how many *centres of excellence* were ..."."""
    if not q.focus:
        return ""
    tokens = words(q.text)
    stems_ = [stem(t) for t in tokens]
    if q.focus not in stems_:
        return ""
    end = stems_.index(q.focus)
    start = end
    while start > 0 and tokens[start - 1] not in STOPWORDS:  # "how many" and "much" are stopwords
        start -= 1
    if end + 2 < len(tokens) and tokens[end + 1] == "of" and tokens[end + 2] not in STOPWORDS:
        end += 2
    return " ".join(tokens[start:end + 1])


_PARTICIPLE = re.compile(r"\w(?:ed|ing)$")


def _counted_phrase_end(text: str, number_end: int) -> int:
    """Where the noun phrase a number counts ends: "5 *academic cell factories*:", "6 *institutes of excellence* selected".

    At most four words; it stops at punctuation, a function word other than an inner
    "of", or a participle after its first word.
    """
    end = number_end
    for i, m in enumerate(re.finditer(r"[\w'-]+|[^\w\s]", text[number_end:])):
        w = m.group().lower()
        inner_of = w == "of" and end > number_end
        if i >= 4 or not w[0].isalnum() or (w in STOPWORDS and not inner_of) or (i > 0 and _PARTICIPLE.search(w)):
            break
        if not inner_of:
            end = number_end + m.end()
    return end
