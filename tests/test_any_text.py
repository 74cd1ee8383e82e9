"""Any size, any text: a sentence beyond spaCy's limit is parsed in pieces, and any Unicode in a
question (a lone surrogate, undecodable command-line bytes) gets an answer or one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cartqa.errors import InputError
from cartqa.pipeline.qa import answer, clean_question
from cartqa.corpus import parsing
from cartqa.reading import syntax

needs_parser = pytest.mark.skipif(not syntax.available(), reason="spaCy's English model is not installed")


@pytest.fixture
def small_limit(monkeypatch):
    """spaCy's limit lowered to 300 characters, so a 'file beyond it' takes a few lines to write."""
    monkeypatch.setattr(syntax._nlp(), "max_length", 300)


RUN_ON = " ".join(f"row {n} lists the glider hangar number {n} and its owner" for n in range(60))  # ~3,400 chars


@needs_parser
def test_a_sentence_beyond_the_parser_limit_is_parsed_in_pieces(small_limit):
    parsed = syntax.Parser().sentences(["The club owns 14 gliders.", RUN_ON])
    assert parsed[0].subject is not None
    phrases = [RUN_ON[s:e] for s, e in parsed[1].phrases]
    assert "its owner" in phrases and parsed[1].phrases[-1][0] > len(RUN_ON) - 60  # the last piece too
    assert all(RUN_ON[s:e].strip() == RUN_ON[s:e] for s, e in parsed[1].phrases)  # offsets in the whole text


@needs_parser
def test_a_file_beyond_the_parser_limit_does_not_stop_answers(small_limit, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "club.txt").write_text("The club owns 14 gliders.", encoding="utf-8")
    (corpus / "log.txt").write_text(RUN_ON, encoding="utf-8")
    a = answer("How many gliders does the club own?", corpus, tmp_path / "index", embedder="hash")
    assert a.found and a.text.startswith("14")


def test_pieces_cover_the_text_exactly():
    text = "word " * 50 + "x" * 40
    pieces = parsing._pieces(text, 32)
    assert "".join(p for _, p in pieces) == text and all(len(p) <= 32 for _, p in pieces)
    assert all(text[s:s + len(p)] == p for s, p in pieces)


@pytest.mark.parametrize("question, cleaned", [
    ("When was INT established?\ud800", "When was INT established?\ufffd"),
    ("When was INT \udcff established?", "When was INT \ufffd established?"),
])
def test_lone_surrogates_become_replacement_characters(question, cleaned):
    assert clean_question(question) == cleaned


@pytest.mark.parametrize("question", ["\ud800", "\udcff\udcfe", "\ud800 ?"])
def test_a_question_of_surrogates_alone_is_one_line_input_error(question):
    with pytest.raises(InputError, match="no words"):
        clean_question(question)


def test_a_question_with_a_lone_surrogate_is_answered(tiny_corpus, tmp_path):
    a = answer("When was the National Cancer Institute of Milan established?\ud800", tiny_corpus,
               tmp_path / "index", embedder="hash")
    assert a.found and a.text == "1928"


@pytest.mark.parametrize("question, code, line", [
    (b"When was the National Cancer Institute of Milan established? \xff", 0, b"1928"),
    (b"\xff\xfe\xc3", 1, b"cartqa: The question has no words"),
])
def test_invalid_utf8_on_the_command_line_is_one_line(tiny_corpus, tmp_path, question, code, line):
    env = {**os.environ, "CARTQA_EMBEDDER": "hash", "CARTQA_CORPUS": str(tiny_corpus),
           "CARTQA_INDEX": str(tmp_path / "index")}
    run = subprocess.run([sys.executable, "-m", "cartqa.app.cli", "ask", question], capture_output=True, env=env)
    assert run.returncode == code, run.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in run.stderr
    assert line in (run.stdout if code == 0 else run.stderr).splitlines()[0]


def test_a_run_on_text_is_cut_into_bounded_sentences():
    from cartqa.corpus.sentences import LONGEST, sentence_spans

    text = "First sentence. " + " ".join(f"Cell{n}" for n in range(3000)) + ". Last one."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans][0] == "First sentence." and text[slice(*spans[-1])] == "Last one."
    assert all(e - s <= LONGEST for s, e in spans) and len(spans) > 3
    assert " ".join(text[s:e] for s, e in spans) == text  # nothing lost: cut at spaces


@needs_parser
def test_one_english_pipeline_serves_every_use_with_the_analyses_of_separate_ones():
    from cartqa.app import suggest
    from cartqa.reading import candidates

    assert candidates._nlp() is syntax.nlp() is suggest._nlp()  # loaded once a process, not once a use
    spacy = parsing.import_spacy()
    alone = spacy.load(parsing.MODEL, exclude=list(parsing.PARSE_ONLY))  # what the parser loaded before
    texts = ["The club owns 14 gliders in Lasham.", "Its owner, Ann Welch, flew them from 1952 to 1960."]
    assert parsing.parse_sentences(texts) == [parsing.parsed(d) for d in alone.pipe(texts)]
    tokens, entities, _ = candidates.analyse(texts[1])
    assert "Ann Welch" in {texts[1][s:e] for s, e, _ in entities}  # the entities still run for candidates
