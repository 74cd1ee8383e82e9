"""Generative mode: a small local model writes the answer, cartqa checks it against the passages.

Left free, a 135M model invents facts: over a passage saying "INT has 464
inpatient beds." it answers "How many beds does Humanitas have?" with
"Humanitas has 464 inpatient beds.". So a reply is kept only when

1. every number, name and content word in it occurs in the passages it was shown,
2. what it adds to the question maps onto a short verbatim span of one source
   sentence (a number when the question asks how many, counting what is asked), and
3. that sentence grounds the question (the extractive mode's own check);

the answer is then that verbatim span, with its offsets. Otherwise the extractive
answer stands (itself possibly a refusal). A reply saying the passages do not
tell is a refusal. ``free`` skips the checks: what a plain local RAG stack does,
kept for measuring what the checks are worth.

Pure: the model is any :data:`~cartqa.generation.llm.Generator`, so tests script its replies.

>>> unsupported("Humanitas has 464 beds.", ["INT has 464 inpatient beds."])
['Humanitas']
>>> says_unknown("The passages do not say."), says_unknown("In 1928.")
(True, False)
>>> clean_reply('The answer is: "off the shelf approach"')
'off the shelf approach'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cartqa.corpus.text import NUMBER_WORDS, STOPWORDS, stem, terms, words
from cartqa.generation.llm import Generator, Messages
from cartqa.reading.extractive import Extraction, grounded
from cartqa.reading.grounding import CorpusView, Sentence, covers
from cartqa.reading.question import Question, analyse
from cartqa.records import Hit

log = logging.getLogger(__name__)

PASSAGES = 3  # shown to the model: more lengthens the prompt (and latency) more than it helps
MAX_WORDS = 12  # a longer span is a sentence, not a short answer: the extractive mode does better
SYSTEM = ("Answer the question using only the numbered passages. Reply with the short answer only: "
          "a name, number, date or phrase copied from the passages. "
          "If the passages do not contain the answer, reply: I don't know.")

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[\w'-]+")
_PREAMBLE = re.compile(r"^(?:(?:the\s+)?answer(?:\s+to\s+(?:the|this|your)\s+question)?(?:\s+is\b|\s*:)\s*:?|a\s*:)\s*",
                       re.IGNORECASE)
_UNKNOWN = re.compile(
    r"\b(?:(?:do|does|did)\s*(?:not|n't)\s+(?:know|say|mention|contain|specify|state|provide|include)"
    r"|(?:don't|doesn't|cannot|can't|unable to)\s+(?:know|say|tell|answer|determine|find)"
    r"|not\s+(?:mentioned|stated|specified|provided|given|available|known|found)"
    r"|no\s+(?:information|mention|answer))\b", re.IGNORECASE)


@dataclass(frozen=True)
class Generated:
    """The model's ``reply`` and what became of it.

    ``via`` is ``generative`` (the checked reply, as a verbatim span),
    ``fallback`` (reply rejected: the extractive answer), ``model-refusal``
    (the model said the passages do not tell) or ``free`` (unchecked).
    """

    via: str
    reply: str
    extraction: Extraction


def generate(question: str, hits: Sequence[Hit], view: CorpusView, fallback: Callable[[], Extraction],
             generator: Generator, *, checked: bool = True, translated: bool = False) -> Generated:
    """Ask ``generator`` over the top passages; keep its reply only if it passes the checks."""
    shown = list(hits[:PASSAGES])
    reply = generator(prompt(question, [h.chunk.text for h in shown])).strip() if shown else ""
    if not checked:
        return Generated("free", reply, Extraction(bool(reply) and not says_unknown(reply), reply))
    verdict, found = check(question, clean_reply(reply), shown, view, translated)
    log.info("model replied %r: %s", reply, verdict)
    if found is not None:
        return Generated("generative", reply, found)
    if verdict == "unknown":
        return Generated("model-refusal", reply, Extraction(False))
    return Generated("fallback", reply, fallback())


def prompt(question: str, passages: Sequence[str]) -> Messages:
    """Chat messages: the instructions, then the numbered passages and the question."""
    numbered = "\n".join(f"[{i}] {' '.join(p.split())}" for i, p in enumerate(passages, start=1))
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Passages:\n{numbered}\n\nQuestion: {question}"}]


def check(question: str, reply: str, hits: Sequence[Hit], view: CorpusView,
          translated: bool = False) -> tuple[str, Extraction | None]:
    """``("accepted", span)`` or ``(reason, None)`` for ``reply`` over the passages of ``hits``
    (``translated``: the question was read from Italian)."""
    if not re.search(r"\w", reply):
        return "empty", None
    if says_unknown(reply):
        return "unknown", None
    missing = unsupported(reply, [h.chunk.text for h in hits])
    if missing:
        return f"not in the passages: {', '.join(missing)}", None
    placed = align(question, reply, _sentences(hits, view), view)
    if placed is None:
        return "no source sentence holds what it adds to the question", None
    sentence, a, b, score = placed
    misfit = _misfit(analyse(question), sentence.text, a, b)
    if misfit:
        return misfit, None
    if not grounded(question, sentence, view, translated):
        return "its sentence does not ground the question", None
    return "accepted", Extraction(True, sentence.text[a:b], sentence, sentence.start + a, sentence.start + b, score)


def _misfit(q: Question, text: str, a: int, b: int) -> str:
    """Why ``text[a:b]`` cannot answer ``q`` (too long, no number for "how many", counts
    something other than what is asked), or ""."""
    span = text[a:b]
    if len(span.split()) > MAX_WORDS:
        return f"{len(span.split())} words is no short answer"
    if q.answer_type not in ("DATE", "NUMBER"):
        return ""
    if not re.search(r"\d", span) and not set(words(span)) & NUMBER_WORDS:
        return f"no number in a {q.answer_type.lower()} answer"
    after = {stem(w) for w in words(text[a:])[:len(words(span)) + 4]}
    if q.answer_type == "NUMBER" and q.focus and q.focus in {stem(w) for w in words(text)} and q.focus not in after:
        return f"the number does not count {q.focus!r}"
    return ""


def clean_reply(reply: str) -> str:
    """The reply without a preamble or quotes: ``The answer is: "2020".`` -> ``2020.``"""
    reply = _PREAMBLE.sub("", reply.strip())
    return reply.strip().strip("\"'“”").strip()


def says_unknown(reply: str) -> bool:
    """Does the reply say the answer is not known / not in the passages?"""
    return bool(_UNKNOWN.search(reply.replace("’", "'")))


def unsupported(reply: str, passages: Sequence[str]) -> list[str]:
    """Numbers and words of ``reply`` that no passage has (names fuzzily: Milan / Milano)."""
    text = " ".join(passages)
    numbers = {_number(n) for n in re.findall(r"\d+(?:[.,]\d+)*", text)}
    vocabulary = frozenset(words(text))
    stemmed = frozenset(stem(w) for w in vocabulary)
    missing = []
    for token in _TOKEN.findall(reply):
        if token[0].isdigit():
            if _number(token) not in numbers:
                missing.append(token)
            continue
        folded = words(token)
        w = folded[0] if folded else ""
        if w and w not in STOPWORDS and not (covers(w, vocabulary) or covers(stem(w), stemmed)):
            missing.append(token)
    return list(dict.fromkeys(missing))


def align(question: str, reply: str, sentences: Sequence[Sentence],
          view: CorpusView) -> tuple[Sentence, int, int, float] | None:
    """The shortest span of a source sentence holding what ``reply`` adds to ``question``.

    Words the reply shares with the question (or its aliases: INT / National
    Cancer Institute) are not the answer; the rest must all be in one sentence
    (or what it refers back to), and the span covers those found in it.
    Returns ``(sentence, start, end, share of the reply's new terms placed)``.
    """
    asked = frozenset(terms(question)) | frozenset(stem(w) for w in view.alias_words(set(words(question))))
    wanted = [t for t in dict.fromkeys(_term(tok) for tok in _TOKEN.findall(reply)) if t and not covers(t, asked)]
    if not wanted:
        return None  # the reply only restates the question
    copied = _copied(reply, sentences)
    if copied:
        return copied
    said = {_term(tok) for tok in _TOKEN.findall(reply)} - {None}
    best = None
    for rank, s in enumerate(sentences):
        toks = [(m.start(), m.end(), _term(m.group())) for m in _TOKEN.finditer(s.text)]
        where = {t: [i for i, (_, _, x) in enumerate(toks) if x and covers(t, frozenset([x]))] for t in wanted}
        context = frozenset(stem(w) for w in view.carried(s))
        placed = [t for t in wanted if where[t]]
        if not placed or any(not where[t] and not covers(t, context) for t in wanted):
            continue
        i, j = _window([where[t] for t in placed])
        while j + 1 < len(toks) and toks[j + 1][2] in said and not s.text[toks[j][1]:toks[j + 1][0]].strip():
            j += 1  # what the reply says right after ("breast" -> "breast cancer"), though asked
        a, b = toks[i][0], toks[j][1] + (s.text[toks[j][1]:toks[j][1] + 1] == "%")
        key = (-len(placed), b - a, rank)
        if best is None or key < best[0]:
            best = (key, (s, a, b, len(placed) / len(wanted)))
    return best[1] if best else None


def _copied(reply: str, sentences: Sequence[Sentence]) -> tuple[Sentence, int, int, float] | None:
    """Where a sentence holds the reply word for word (as asked: "copied from the passages")."""
    phrase = reply.strip().rstrip(".!;:,").strip()
    if not phrase:
        return None
    for s in sentences:
        i = s.text.lower().find(phrase.lower()) if len(s.text.lower()) == len(s.text) else -1
        if i >= 0 and not s.text[i - 1:i].isalnum() and not s.text[i + len(phrase):i + len(phrase) + 1].isalnum():
            return s, i, i + len(phrase), 1.0
    return None


def _window(positions: list[list[int]]) -> tuple[int, int]:
    """The narrowest token range holding one position from each list."""
    best = None
    for i in sorted({p for ps in positions for p in ps}):
        ends = [min((p for p in ps if p >= i), default=None) for ps in positions]
        if None not in ends and (best is None or max(ends) - i < best[1] - best[0]):
            best = (i, max(ends))
    return best if best else (positions[0][0], positions[0][0])


def _term(token: str) -> str | None:
    """A token as a comparable term: a number without thousands separators, or a stem; None for stopwords."""
    if token[0].isdigit():
        return _number(token)
    folded = words(token)
    return stem(folded[0]) if folded and folded[0] not in STOPWORDS else None


def _number(token: str) -> str:
    return re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", token)


def _sentences(hits: Sequence[Hit], view: CorpusView) -> list[Sentence]:
    seen: dict[tuple[str, int], Sentence] = {}
    for hit in hits:
        for s in view.sentences.get(hit.chunk.doc, []):
            if s.start < hit.chunk.end and s.end > hit.chunk.start:
                seen.setdefault((s.doc, s.index), s)
    return list(seen.values())
