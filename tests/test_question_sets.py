"""The development corpus's question sets keep their promises: split by document (no document has
questions in both a development and a blind set), and an accepted answer (as `cartqa eval` matches
it; another may be a spelling of it: "Milic") in each evidence sentence, which is in its document.
Failures name question ids only: a blind set is never read."""

import json
import re
from pathlib import Path

import pytest

from cartqa.evaluation.metrics import contains_answer

SETS = Path(__file__).resolve().parents[1] / "eval" / "dev"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "dev"


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (SETS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


SET_NAMES = sorted(p.name for p in SETS.glob("*.jsonl"))


def test_no_document_has_questions_in_both_a_development_and_a_blind_set():
    docs = {name: {q["doc"] for q in _load(name)} for name in SET_NAMES}
    blind = set().union(*(d for n, d in docs.items() if "blind" in n))
    dev = set().union(*(d for n, d in docs.items() if "blind" not in n))
    assert blind and dev and not blind & dev, sorted(blind & dev)


@pytest.mark.parametrize("name", SET_NAMES)
def test_an_answer_is_in_its_evidence_and_ids_are_unique(name):
    questions = _load(name)
    assert len({q["id"] for q in questions}) == len(questions)
    bad = [q["id"] for q in questions if q["answerable"] and not contains_answer(q["evidence"], q["answers"])]
    bad += [q["id"] for q in questions if not q["answerable"] and (q["answers"] or q["evidence"])]
    assert not bad


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/dev is not beside the project")
@pytest.mark.parametrize("name", [n for n in SET_NAMES if re.search(r"-dev\d", n)])
def test_the_evidence_is_written_in_its_document(name):
    texts: dict[str, str] = {}
    bad = []
    for q in _load(name):
        if q["answerable"]:
            text = texts.setdefault(q["doc"], _squeeze((CORPUS / q["doc"]).read_text(encoding="utf-8")))
            if _squeeze(q["evidence"]) not in text:
                bad.append(q["id"])
    assert not bad
