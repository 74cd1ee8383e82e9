"""Question analysis: what kind of answer is wanted, and what the question is about.

>>> q = analyse("How many beds does Humanitas have?")
>>> q.answer_type, q.focus, q.entities
('NUMBER', 'bed', (('humanitas',),))
>>> analyse("Quando è stato fondato l'INT?").answer_type
'DATE'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import fold
from .text import STOPWORDS, stem, terms, words

# (pattern on the folded question, answer type). First match wins; English then Italian.
_TYPE_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(what|which|in what|in which) (year|decade|date)\b|^when\b|\bsince when\b", "DATE"),
    (r"\b(in che|in quale|che) anno\b|^quando\b|\bda quando\b", "DATE"),
    (r"\bhow (many|much)\b|\bnumber of\b|\bwhat (number|percentage|share)\b", "NUMBER"),
    (r"\bquant[ieoa]\b|\bnumero di\b", "NUMBER"),
    (r"^where\b|\b(what|which) (city|town|region|country|place)\b|\bdove\b|\b(quale|che) (citta|regione|paese)\b", "PLACE"),
    (r"^who\b|\bwhom\b|\bwhose\b|^chi\b", "NAME"),
    (r"\b(goal|aim|purpose|objective|mission|scopo|obiettivo)\b|^why\b|^perche\b", "CLAUSE"),
    # "which hospital", "what consortium": the focus noun names a kind of named thing.
    (r"\b(which|what|name|quale|quali)\b(\s+\w+){0,2}\s+(hospital|institute|institution|centre|center|consortium|"
     r"organi[sz]ation|foundation|university|company|project|region|person|ospedale|istituto|consorzio|progetto)s?\b", "NAME"),
)
_WH = frozenset("what which who whom whose when where why how quale quali quando dove chi perche cosa quanto quanti quante quanta".split())
_ITALIAN_MARKERS = frozenset(
    "il lo gli della delle dei degli nel nella quale quali quando dove chi quanti quante quanto perche cosa "
    "sono stato stata fondato fondata anno citta ha hanno di".split()
)
# Capitalised runs ("San Raffaele", "National Cancer Institute of Milan") and acronyms.
_ENTITY = re.compile(r"\b(?:[A-Z][\w'-]*|[A-Z]{2,}[\w-]*)(?:\s+(?:of|di|del|della|dei|for|and\s+)?\s*[A-Z][\w'-]*)*")


@dataclass(frozen=True)
class Question:
    """The parts of a question that answer extraction relies on."""

    text: str
    answer_type: str  # DATE, NUMBER, PLACE, NAME, CLAUSE or ANY
    focus: str  # stem of the noun asked for ("bed" in "how many beds"), or ""
    terms: tuple[str, ...]  # stemmed content words
    entities: tuple[tuple[str, ...], ...]  # folded words of each named entity
    language: str  # "en" or "it"


def analyse(question: str) -> Question:
    """Classify ``question``; pure and cheap (no model)."""
    folded = fold(question).strip()
    answer_type = next((t for pattern, t in _TYPE_RULES if re.search(pattern, folded)), "ANY")
    return Question(
        text=question,
        answer_type=answer_type,
        focus=_focus(folded),
        terms=tuple(t for t in terms(question) if t not in _WH),
        entities=tuple(_entities(question)),
        language=detect_language(question),
    )


def detect_language(text: str) -> str:
    """``"it"`` when Italian function words dominate, else ``"en"``."""
    tokens = words(text)
    italian = sum(t in _ITALIAN_MARKERS for t in tokens)
    english = sum(t in {"the", "of", "is", "was", "are", "does", "did", "how", "what", "which", "who", "when", "where"}
                  for t in tokens)
    return "it" if italian > english else "en"


def _focus(folded: str) -> str:
    """The noun right after the wh-phrase: "how many *beds*", "which *institute*"."""
    m = re.search(r"\b(?:how many|how much|what|which|quant[ieoa]|quale|quali|che)\s+([\w-]+(?:\s+[\w-]+)?)", folded)
    if not m:
        return ""
    for word in m.group(1).split():
        if word not in STOPWORDS and word not in _WH:
            return stem(word)
    return ""


def _entities(question: str) -> list[tuple[str, ...]]:
    out = []
    for m in _ENTITY.finditer(question):
        tokens = [w for w in words(m.group()) if w not in STOPWORDS and w not in _WH]
        # The sentence-initial capital ("When", "Name") is not a name.
        if m.start() == 0 and len(tokens) <= 1 and not m.group().isupper():
            continue
        if tokens:
            out.append(tuple(tokens))
    return out
