"""The bench's markdown table: one column per system and corpus size, cartqa beside its peers.

    .venv/bin/python bench/table.py ROWS.jsonl     # the table again from the rows bench.py logged

A figure a system does not have (the peers have no reader of ours, and no incremental build
is measured for them) shows as ``n/a``; the row names say what the peers' figures measure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

NAMES = {"cartqa": "cartqa", "haystack": "Haystack", "txtai": "txtai"}

ROWS: list[tuple[str, Callable[[dict], str]]] = [
    ("passages (chunks)", lambda r: f"{r['chunks']:,}{distinct(r)}"),
    ("full build (CPU time)", lambda r: f"{r['build_s']:.0f} s ({r['build_cpu_s']:.0f} CPU-s)"),
    ("build / raw encode", lambda r: f"{r['build_s'] / r['encode_s']:.2f}x ({r['encode_s']:.0f} s encode{halves(r)})"),
    ("build / raw encode, CPU time", lambda r: f"{r['build_cpu_s'] / r['encode_cpu_s']:.2f}x"),
    ("one file changed / added / removed",
     lambda r: f"{r['changed_s']:.1f} / {r['added_s']:.1f} / {r['removed_s']:.1f} s "
               f"({100 * r['changed_s'] / r['build_s']:.1f}% of full)"),
    ("index size", lambda r: f"{r['index_mb']:.{0 if r['index_mb'] >= 10 else 1}f} MB"),
    ("peak memory: build / serving", lambda r: f"{r['build_peak_mb']:,.0f} / {r['peak_mb']:,.0f} MB"),
    ("new process to first answer (peers: first retrieval)", lambda r: f"{r['first_answer_s']:.1f} s"),
    ("warm answer p50 / p95", lambda r: f"{r['answer_p50_ms']:,.0f} / {r['answer_p95_ms']:,.0f} ms"),
    ("warm answer p50 / p95, a later process (the Italian words kept)",
     lambda r: f"{r['later_answer_p50_ms']:,.0f} / {r['later_answer_p95_ms']:,.0f} ms"),
    ("retrieval alone p50 / p95 (cartqa: BM25 + dense; peers: dense)",
     lambda r: f"{r['search_p50_ms']:,.0f} / {r['search_p95_ms']:,.0f} ms"),
    ("recall@3, seed questions (cartqa: the answer's sources; peers: retrieved)",
     lambda r: f"{r['recall@3']:.2f} ({r['questions']})"),
]


def distinct(row: dict) -> str:
    """How many of cartqa's passages are distinct: its build runs a repeated one once (bench/steps.py)."""
    return f" ({row['distinct']:,} distinct)" if row.get("distinct") else ""


def halves(row: dict) -> str:
    """cartqa's encode is timed in two halves, one before its build and one after (bench/steps.py)."""
    if not row.get("encode_before_s"):
        return ""
    return f": {row['encode_before_s']:.0f} s before the build, {row['encode_after_s']:.0f} s after"


def cell(fmt: Callable[[dict], str], row: dict) -> str:
    try:
        return fmt(row)
    except (KeyError, ZeroDivisionError):
        return "n/a"


def table(rows: list[dict]) -> str:
    """Rows are one system at one size: ``{"system": ..., "documents": ..., figures...}``."""
    head = [f"{NAMES.get(r['system'], r['system'])}, {r['documents']:,} docs" for r in rows]
    out = ["| | " + " | ".join(head) + " |", "| --- |" + " --- |" * len(rows)]
    out += [f"| {name} | " + " | ".join(cell(fmt, r) for r in rows) + " |" for name, fmt in ROWS]
    return "\n".join(out)


if __name__ == "__main__":
    lines = open(sys.argv[1], encoding="utf-8") if sys.argv[1:] else sys.stdin
    print(table([json.loads(line) for line in lines if line.startswith("{")]))
