"""Record every answer of some question sets, to check that a speed change changes no answer.

    .venv/bin/python bench/answers.py CORPUS INDEX OUT.jsonl SET.jsonl...   # one JSON line per question
    .venv/bin/python bench/answers.py --compare A.jsonl B.jsonl            # per set: how many differ

An answer is its text, outcome, sentence, confidence and sources (document, offsets, span, score),
so a change in the order of sources or in a span's place counts too. ``--compare`` prints counts by
set and the ids that differ, never an answer's text (some sets are blind: their answers are not read).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def shown(a) -> dict:
    """What must not change: the answer's JSON, its confidence and every source's place."""
    return {**a.to_json(), "confidence": round(a.confidence, 6),
            "offsets": [[s.doc, s.start, s.end, list(s.span) if s.span else None] for s in a.sources]}


def record(corpus: str, index: str, out: str, sets: list[str]) -> None:
    from cartqa import answer
    from cartqa.evaluation.metrics import load_gold

    with open(out, "w", encoding="utf-8") as fh:
        for path in sets:
            for g in load_gold(path):
                t0 = time.perf_counter()
                a = answer(g.question, corpus, index)
                seconds = time.perf_counter() - t0
                fh.write(json.dumps({"set": Path(path).name, "id": g.id, "answer": shown(a),
                                     "seconds": round(seconds, 4)}, ensure_ascii=False) + "\n")


def _blind(name: str) -> bool:
    """Sets whose per-question results are never read (eval/README.md)."""
    return "blind" in name or name in {f"heldout{n}.jsonl" for n in (15, 16, 19, 27)}


def compare(a: str, b: str) -> int:
    def load(path: str) -> dict:
        return {(r["set"], r["id"]): r["answer"] for r in map(json.loads, open(path, encoding="utf-8"))}

    old, new = load(a), load(b)
    total, differ = Counter(k[0] for k in old), Counter()
    ids: dict[str, list[str]] = {}
    for key, ans in old.items():
        if new.get(key) != ans:
            differ[key[0]] += 1
            ids.setdefault(key[0], []).append(key[1])
    for name in total:
        shown = name in ids and not _blind(name)
        print(f"{name}: {differ[name]} of {total[name]} differ" + (f" {ids[name][:10]}" if shown else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    record(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
