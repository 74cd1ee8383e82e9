"""Optional reader: a transformers question-answering model named by the user.

For users with network access (or a local folder): ``CARTQA_QA_MODEL=deepset/roberta-base-squad2``.
Its spans are verbatim by construction; they still pass cartqa's grounding
check, so a confident span from the wrong hospital is refused.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

from .extractive import Extraction, grounded
from .grounding import CorpusView
from .records import Hit

MIN_SCORE = 0.05
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def _pipeline(name: str):
    from transformers import pipeline

    return pipeline("question-answering", model=name, tokenizer=name, device=-1)


def read_with_model(name: str, question: str, hits: Sequence[Hit], view: CorpusView, top: int = 3) -> Extraction:
    """Best grounded span the model finds in the top passages, or a refusal."""
    best: Extraction | None = None
    with _LOCK:
        qa = _pipeline(name)
        outputs = [(hit, qa(question=question, context=hit.chunk.text)) for hit in hits[:top]]
    for hit, out in outputs:
        if not out or out["score"] < MIN_SCORE or not out["answer"].strip():
            continue
        start = hit.chunk.start + int(out["start"])
        sentence = view.sentence_at(hit.chunk.doc, start)
        if sentence is None or not grounded(question, sentence, view):
            continue
        if best is None or out["score"] > best.confidence:
            best = Extraction(True, out["answer"].strip(), sentence, start, hit.chunk.start + int(out["end"]),
                              float(out["score"]))
    return best or Extraction(False)
