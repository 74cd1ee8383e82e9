"""Questions a refusal suggests: read off the closest passages' own sentences by grammar,
and kept only when the documents answer them."""

from __future__ import annotations

import re

import pytest

from cartqa.app.suggest import candidate_questions


@pytest.mark.parametrize(("sentence", "question"), [
    ("The Eiffel Tower was completed in 1889.", "When was the Eiffel Tower completed?"),
    ("The Brera Academy, founded in 1776, trains painters.", "When was the Brera Academy founded?"),
    ("In 2015, the city council opened a new library.", "When did the city council open a new library?"),
    ("The library has 12 reading rooms.", "How many reading rooms does the library have?"),
    ("The main goal of the project is to reduce waste.", "What is the main goal of the project?"),
])
def test_questions_come_from_the_sentence_grammar(sentence, question):
    assert question in candidate_questions([sentence])


@pytest.mark.parametrize("sentence", ["It was opened in 1990.", "They have 3 cats.", "Hello there.", ""])
def test_no_question_without_a_named_subject(sentence):
    assert candidate_questions([sentence]) == []


# The hash embedder's similarities are noise the learned scorer was never fitted on: the rules'
# refusal is what this test needs to see the suggestions.
@pytest.mark.usefixtures("rules_only")
def test_a_refusal_suggests_questions_the_documents_answer(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.app.ui import respond
    from cartqa.pipeline.qa import answer

    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    index = tmp_path / "index"
    *_, turns = respond("Who is the mayor of Milan?", [], corpus_dir=tiny_corpus, index_dir=index)
    reply = turns[-1][1]
    assert "The documents don't answer “Who is the mayor of Milan?”" in reply
    asked = re.findall(r'class="suggest" data-q="([^"]+)"', reply)
    assert 1 <= len(asked) <= 2, reply
    for q in asked:
        assert answer(q, tiny_corpus, index).found, q
