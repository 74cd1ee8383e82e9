"""How well multilingual-e5 aligns Italian words to the corpus vocabulary, per threshold.

    .venv/bin/python bench/alignment.py [eval/seed/alignment_lexicon.tsv]

Reads a hand-made lexicon (Italian word, its English counterparts in the corpus or
none) and reports, for each threshold, the words aligned right, aligned wrong, and
the words without a counterpart that were aligned anyway. crosslingual.THRESHOLD
was chosen here, not on the gold questions.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from cartqa.pipeline.engine import get_engine  # noqa: E402
from cartqa.reading.italian import alignment  # noqa: E402
from cartqa.reading.italian.crosslingual import THRESHOLD  # noqa: E402


def main(path: str = str(REPO / "eval" / "seed" / "alignment_lexicon.tsv")) -> None:
    lexicon = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            italian, _, english = line.partition("\t")
            lexicon[italian] = {w for w in english.split(",") if w}
    engine = get_engine(REPO / "corpus", REPO / "index", "minilm")
    aligner = alignment.for_engine(engine, REPO / "index")
    words = list(lexicon)
    best = [m[0] for m in aligner.nearest(words, exclude=aligner.vocabulary.foreign, k=1)]
    found = sum(bool(lexicon[w]) and m[0] in lexicon[w] for w, m in zip(words, best))
    print(f"{len(words)} words, {sum(bool(v) for v in lexicon.values())} with a counterpart; "
          f"nearest is right for {found}")
    for t in (0.87, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93):
        right = sum(s >= t and m in lexicon[w] for w, (m, s) in zip(words, best))
        wrong = sum(s >= t and bool(lexicon[w]) and m not in lexicon[w] for w, (m, s) in zip(words, best))
        false = sum(s >= t and not lexicon[w] for w, (m, s) in zip(words, best))
        print(f"threshold {t:.2f}: right {right:3d}  wrong {wrong:2d}  no counterpart but aligned {false:2d}")
    # The dictionary first (crosslingual.LEXICON_FLOOR), then e5 at crosslingual.THRESHOLD.
    translated = aligner.translated(words, exclude=aligner.vocabulary.foreign)
    for floor in (0.80, 0.82, 0.84, 0.86, 0.88):
        right = wrong = false = 0
        for w, (m, s), options in zip(words, best, translated):
            passing = [t for t, c in options if c >= floor]
            choice = passing[0] if passing else (m if s >= THRESHOLD else None)
            if choice is None:
                continue
            right += choice in lexicon[w]
            wrong += bool(lexicon[w]) and choice not in lexicon[w]
            false += not lexicon[w]
        print(f"dictionary first, floor {floor:.2f}: right {right:3d}  wrong {wrong:2d}  "
              f"no counterpart but aligned {false:2d}")


if __name__ == "__main__":
    main(*sys.argv[1:])
