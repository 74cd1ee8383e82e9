"""Score cartqa on a gold question set (``eval/seed/questions.jsonl``).

Each line: ``{"id", "question", "lang", "answerable", "answers": [...],
"evidence": "...", "type"}``. A short answer is right when it contains an
accepted answer and has at most 12 words; a sentence answer when the
supporting sentence contains one and has at most 40 words.

>>> short_answer_correct("464 inpatient beds", ["464"])
True
>>> short_answer_correct("The documents don't say.", ["464"])
False
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cartqa.corpus.normalize import normalize_text
from cartqa.corpus.tabular import CELL
from cartqa.errors import InputError
from cartqa.records import Answer


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    lang: str
    answerable: bool
    answers: tuple[str, ...]
    evidence: str
    type: str
    doc: str = ""  # the document it was written from (the development corpus's sets)
    kind: str = ""  # wiki, news or datasets (the development corpus's sets)


@dataclass(frozen=True)
class Outcome:
    gold: GoldQuestion
    answer: Answer
    seconds: float
    evidence_rank: int | None  # 1-based rank of the first source holding the evidence


def load_gold(path: str | Path) -> list[GoldQuestion]:
    """Read a JSONL gold set, naming the line of any bad record."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(GoldQuestion(d["id"], d["question"], d.get("lang", "en"), bool(d["answerable"]),
                                    tuple(d.get("answers", [])), d.get("evidence", ""), d.get("type", ""),
                                    d.get("doc", ""), d.get("kind", "")))
        except (ValueError, KeyError) as exc:
            raise InputError(f"{path}:{n}: not a gold question ({exc})") from exc
    return out


def _squash(text: str) -> str:
    # A table's cells are joined by a bar in the indexed text (cartqa.corpus.tabular), and named by
    # their column ("| Mean: 3.05"), where the document (and so the evidence quoted from it) has only
    # white space between them; a list's bullets are dropped (cartqa.corpus.bullets) where a quote of
    # one item keeps its bullet.
    text = _CELL_NAME.sub(" ", normalize_text(text))
    return " ".join(_BULLET.sub(r"\1", text).lower().split())


_CELL_NAME = re.compile(re.escape(CELL) + r"(?:[^|:\n]{1,60}: )?")
_BULLET = re.compile(r"(^|\s)[-*+•]\s+")


def contains_answer(text: str, accepted: Iterable[str]) -> bool:
    return any(_squash(a) in _squash(text) for a in accepted)


def short_answer_correct(text: str, accepted: Iterable[str], max_words: int = 12) -> bool:
    return len(text.split()) <= max_words and contains_answer(text, accepted)


def evidence_rank(answer: Answer, evidence: str) -> int | None:
    if not evidence:
        return None
    needle = _squash(evidence)
    for i, s in enumerate(answer.sources, start=1):
        if needle in _squash(s.text):
            return i
    return None


def run(gold: list[GoldQuestion], ask: Callable[[str], Answer]) -> list[Outcome]:
    """Ask every question (after one warm-up question) and time each."""
    outcomes = []
    for g in gold:
        t0 = time.perf_counter()
        a = ask(g.question)
        outcomes.append(Outcome(g, a, time.perf_counter() - t0, evidence_rank(a, g.evidence)))
    return outcomes


def metrics(outcomes: list[Outcome], lang: str | None = None, kind: str | None = None) -> dict[str, float]:
    """Retrieval, answer and refusal figures over ``outcomes`` (optionally one language or kind of document)."""
    chosen = [o for o in outcomes if (lang is None or o.gold.lang == lang) and (kind is None or o.gold.kind == kind)]
    ans = [o for o in chosen if o.gold.answerable]
    una = [o for o in chosen if not o.gold.answerable]
    ranks = [o.evidence_rank for o in ans]
    pct = lambda n, d: round(100.0 * n / d, 1) if d else 0.0  # noqa: E731
    times = sorted(o.seconds for o in chosen) or [0.0]
    shown = [o for o in ans if o.answer.outcome == "passage"]
    return {
        "questions": len(chosen),
        "answerable": len(ans),
        "unanswerable": len(una),
        "recall@1": pct(sum(r == 1 for r in ranks), len(ans)),
        "recall@3": pct(sum(r is not None and r <= 3 for r in ranks), len(ans)),
        "mrr": round(sum(1.0 / r for r in ranks if r) / len(ans), 3) if ans else 0.0,
        "short_answer_acc": pct(sum(_short_right(o) for o in ans), len(ans)),
        "sentence_acc": pct(sum(_sentence_right(o) for o in ans), len(ans)),
        # the right short answer, or (no short answer given) the sentence that holds it
        "answer_or_sentence_acc": pct(sum(_short_right(o) or (not o.answer.found and _sentence_right(o))
                                          for o in ans), len(ans)),
        # unanswerable: no short answer asserted (the passage outcome asserts none)
        "refusal_rate": pct(sum(not o.answer.found for o in una), len(una)),
        # answerable questions told "the documents don't say" (a passage shown is not a refusal)
        "false_refusal_rate": pct(sum(o.answer.outcome == "refusal" for o in ans), len(ans)),
        "passage_rate": pct(sum(o.answer.outcome == "passage" for o in ans), len(ans)),
        "unanswerable_passage_rate": pct(sum(o.answer.outcome == "passage" for o in una), len(una)),
        # answerable questions shown a passage whose marked span is a right short answer, of those shown one
        "marked_acc": pct(sum(short_answer_correct(o.answer.marked, o.gold.answers) for o in shown),
                          len(shown)),
        "latency_p50_ms": round(1000 * statistics.median(times), 1),
        "latency_p95_ms": round(1000 * times[min(len(times) - 1, int(0.95 * len(times)))], 1),
    }


def report(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Figures for all questions, each language, and each kind of document the gold names."""
    out = {"all": metrics(outcomes), "en": metrics(outcomes, "en"), "it": metrics(outcomes, "it")}
    for kind in sorted({o.gold.kind for o in outcomes} - {""}):
        out[f"en/{kind}"] = metrics(outcomes, "en", kind)
        out[f"it/{kind}"] = metrics(outcomes, "it", kind)
    return out


def _short_right(o: Outcome) -> bool:
    return o.answer.found and short_answer_correct(o.answer.text, o.gold.answers)


def _sentence_right(o: Outcome) -> bool:
    a = o.answer
    return a.outcome != "refusal" and bool(a.sentence) and len(a.sentence.split()) <= 40 and contains_answer(
        a.sentence + (" " + a.text if a.found else ""), o.gold.answers)


def calibration(outcomes: list[Outcome], bins: int = 5) -> list[dict]:
    """Confidence of each short answer given against how often it was right, by bins of confidence."""
    given = [(o.answer.confidence, _short_right(o)) for o in outcomes if o.answer.found]
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, r) for p, r in given if lo <= p < hi or (hi == 1.0 and p >= 1.0)]
        if inside:
            out.append({"bin": [lo, hi], "predicted": round(sum(p for p, _ in inside) / len(inside), 3),
                        "right": round(sum(r for _, r in inside) / len(inside), 3), "n": len(inside)})
    return out


def paths(outcomes: list[Outcome]) -> dict[str, int]:
    """How many answers each path produced (``Answer.via``), e.g. ``{"generative": 40, "fallback": 70}``."""
    return dict(Counter(o.answer.via for o in outcomes).most_common())


def failures(outcomes: list[Outcome]) -> list[str]:
    """One line per wrong answer or wrong refusal, for tuning by hand."""
    lines = []
    for o in outcomes:
        g, a = o.gold, o.answer
        via = "" if a.via == "extractive" else f" [{a.via}]"
        if g.answerable and not (a.found and short_answer_correct(a.text, g.answers)):
            lines.append(f"{g.id} WRONG  {g.question!r} -> {a.text!r}{via} (want {list(g.answers)[:2]})")
        elif not g.answerable and a.found:
            lines.append(f"{g.id} ANSWERED {g.question!r} -> {a.text!r}{via}")
    return lines
