"""The command line, on the hash fake embedder (CARTQA_EMBEDDER=hash)."""

import json
import subprocess
import sys

import pytest

from cartqa.app.cli import main


@pytest.fixture
def env(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    monkeypatch.setenv("CARTQA_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("CARTQA_INDEX", str(tmp_path / "index"))
    return tiny_corpus


def test_index_prints_what_it_did(env, capsys):
    assert main(["index"]) == 0
    assert capsys.readouterr().out.strip() == "added 2, updated 0, removed 0, unchanged 0 (2 chunks)"
    assert main(["index"]) == 0
    assert "unchanged 2" in capsys.readouterr().out


def test_ask_json_follows_the_contract(env, capsys):
    assert main(["ask", "When was the National Cancer Institute of Milan established?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["answer"] == "1928" and data["found"] is True
    assert {"doc", "text", "score"} <= set(data["sources"][0]) and data["sources"][0]["doc"] == "int.txt"


def test_ask_refusal_exits_2_and_says_so(env, capsys):
    assert main(["ask", "How many beds does Humanitas have?", "--json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["found"] is False and "don't say" in data["answer"]


@pytest.mark.parametrize("question, message", [("   ", "empty"), ("x" * 5000, "limit"), ("?!", "no words")])
def test_bad_questions_get_one_clear_line(env, capsys, question, message):
    assert main(["ask", question]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cartqa: ") and message in err and "Traceback" not in err


def test_missing_corpus_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    assert main(["index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 1
    assert "Corpus folder not found" in capsys.readouterr().err


def test_import_and_help_load_no_model():
    code = ("import sys, cartqa, cartqa.app.cli, cartqa.app.ui; cartqa.app.ui.build_app; "
            "heavy = [m for m in ('torch', 'sentence_transformers', 'faiss', 'gradio', 'pymilvus') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_ask_shows_a_passages_marked_span_and_each_source_once(env, capsys, monkeypatch):
    from cartqa.pipeline import qa
    from cartqa.records import Answer, Source

    sentence = "The hangar holds 14 gliders."
    passage = Answer("No short answer is sure; the closest passage says: " + sentence, False,
                     [Source("club.txt", "Intro. " + sentence, 0.9, 0, 35, (24, 26), sentence),
                      Source("club.txt", "The club has a tug.", 0.5, 40, 59)], sentence, outcome="passage")
    monkeypatch.setattr(qa, "answer", lambda *args, **kwargs: passage)
    assert main(["ask", "How many gliders?"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  likeliest span: 14"
    assert lines[2:] == [f"  [club.txt] {sentence}", "  [club.txt] The club has a tug."]
    assert main(["ask", "How many gliders?", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["marked"] == "14"
