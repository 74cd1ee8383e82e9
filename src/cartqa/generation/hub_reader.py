"""Optional reader: a transformers question-answering model named by the user.

For users with network access (or a local folder): ``CARTQA_QA_MODEL=deepset/roberta-base-squad2``.
Its spans are verbatim by construction; they still pass cartqa's grounding
check, so a confident span from the wrong hospital is refused.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

from cartqa.reading.extractive import Extraction, grounded
from cartqa.reading.grounding import CorpusView
from cartqa.records import Hit

MIN_SCORE = 0.01
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def _load(name: str):
    # transformers 5 dropped the question-answering pipeline; the model class remains.
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    return AutoTokenizer.from_pretrained(name), AutoModelForQuestionAnswering.from_pretrained(name).eval()


def best_span(name: str, question: str, context: str, max_tokens: int = 30) -> tuple[int, int, float] | None:
    """``(start, end, probability)`` of the model's best answer span in ``context``."""
    import torch

    tokenizer, model = _load(name)
    enc = tokenizer(question, context, truncation="only_second", max_length=384,
                    return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping")[0].tolist()
    in_context = [sid == 1 for sid in enc.sequence_ids(0)]
    with torch.no_grad():
        out = model(**enc)
    start_p = torch.softmax(out.start_logits[0], -1).tolist()
    end_p = torch.softmax(out.end_logits[0], -1).tolist()
    best = None
    for i, ok in enumerate(in_context):
        if not ok:
            continue
        for j in range(i, min(i + max_tokens, len(in_context))):
            if in_context[j] and (best is None or start_p[i] * end_p[j] > best[2]):
                best = (offsets[i][0], offsets[j][1], start_p[i] * end_p[j])
    return best


def read_with_model(name: str, question: str, hits: Sequence[Hit], view: CorpusView, top: int = 3,
                    translated: bool = False) -> Extraction:
    """Best grounded span the model finds in the top passages, or a refusal (``translated``: the
    question was read from Italian, see :func:`~cartqa.reading.extractive.grounded`)."""
    best: Extraction | None = None
    with _LOCK:
        spans = [(hit, best_span(name, question, hit.chunk.text)) for hit in hits[:top]]
    for hit, span in spans:
        if span is None or span[2] < MIN_SCORE or not hit.chunk.text[span[0]:span[1]].strip():
            continue
        start, end = hit.chunk.start + span[0], hit.chunk.start + span[1]
        sentence = view.sentence_at(hit.chunk.doc, start)
        if sentence is None or end > sentence.end or not grounded(question, sentence, view, translated):
            continue
        if best is None or span[2] > best.confidence:
            best = Extraction(True, hit.chunk.text[span[0]:span[1]], sentence, start, end, span[2])
    return best or Extraction(False)
