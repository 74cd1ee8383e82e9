"""Benchmark corpora of any size, built at bench time from ``../shared/corpora/dev/``.

The news texts may not be committed, so corpora are made into a temp folder: every dev
document is cut at paragraph (or sentence) boundaries into pieces of about ``piece_chars``
characters, and documents are made by recombining pieces until ``count`` exist. The seed
corpus (``corpus/``) is copied in too, so the seed's questions have answers among distractors.

    .venv/bin/python bench/corpora.py 1000 /tmp/c1000
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpora" / "dev"  # ../shared from a checkout


def pieces(dev: Path = DEV, piece_chars: int = 5000) -> list[str]:
    """The dev documents cut into pieces of about ``piece_chars`` characters, whole paragraphs kept."""
    out: list[str] = []
    for path in sorted(dev.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        if len(paras) == 1:  # one-line news stories: cut at sentences instead
            paras = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paras[0])
        buf: list[str] = []
        size = 0
        for p in paras:
            buf.append(p)
            size += len(p)
            if size >= piece_chars:
                out.append("\n\n".join(buf))
                buf, size = [], 0
        if buf:
            out.append("\n\n".join(buf))
    return out


def documents(count: int, parts: list[str]) -> Iterator[str]:
    """``count`` document texts: every piece once, then pairs of pieces far apart.

    >>> list(documents(5, ["a", "b", "c"]))
    ['a', 'c', 'b', 'a\\n\\nb', 'c\\n\\na']
    """
    parts = list(parts)
    random.Random(0).shuffle(parts)  # a small corpus mixes wiki, news and dataset texts too
    parts = list(dict.fromkeys(parts))  # a few news stories come twice in the dev corpus
    for i in range(count):
        # Past the first round, a document joins two pieces far apart: new text, same vocabulary.
        # 131 is prime to the piece count here (741), so no pair comes twice within 741 rounds.
        rounds, j = divmod(i, len(parts))
        yield parts[j] if rounds == 0 else parts[j] + "\n\n" + parts[(j * 7 + rounds * 131) % len(parts)]


def make_corpus(count: int, target: Path, seed_corpus: Path = REPO / "corpus", piece_chars: int = 5000,
                dev: Path = DEV) -> Path:
    """A folder of ``count`` documents (the seed corpus among them); returns ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    seeds = sorted(seed_corpus.glob("*.txt")) + sorted(seed_corpus.glob("*.md"))
    for s in seeds:
        shutil.copy(s, target / s.name)
    for i, text in enumerate(documents(count - len(seeds), pieces(dev, piece_chars))):
        (target / f"doc-{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    make_corpus(int(sys.argv[1]), Path(sys.argv[2]))
    print(sys.argv[2])
