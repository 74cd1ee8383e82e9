"""Answers follow the corpus without a stat of every file per question, and never wait for a long build."""

import threading

import pytest

from cartqa import answer
from cartqa.index import build as build_module
from cartqa.index.freshness import CorpusWatch
from cartqa.index.store import build_lock
from cartqa.pipeline import engine


def ask(corpus, index, question="How many inpatient beds does INT have?"):
    return answer(question, corpus, index, embedder="hash")


@pytest.fixture
def scans(monkeypatch):
    calls = []
    real = build_module.scan_corpus
    monkeypatch.setattr(build_module, "scan_corpus", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    return calls


def test_a_file_changed_a_moment_ago_is_answered_from(tiny_corpus, tmp_path):
    index = tmp_path / "index"
    assert "464" in ask(tiny_corpus, index).text
    (tiny_corpus / "int.txt").write_text("INT has 512 inpatient beds.", encoding="utf-8")
    assert "512" in ask(tiny_corpus, index).text
    (tiny_corpus / "sub").mkdir()
    (tiny_corpus / "sub" / "int.txt").write_text("IEO has 300 inpatient beds.", encoding="utf-8")
    assert "300" in ask(tiny_corpus, index, "How many inpatient beds does IEO have?").text


def test_questions_on_an_unchanged_corpus_do_not_scan_it(tiny_corpus, tmp_path, scans):
    index = tmp_path / "index"
    ask(tiny_corpus, index)
    first = len(scans)
    for _ in range(3):
        ask(tiny_corpus, index)
    if engine._watch(tiny_corpus).watching:
        assert len(scans) == first
    else:  # no inotify here: at most one check per interval
        assert len(scans) <= first + 1


def test_a_question_does_not_wait_for_a_build_running_elsewhere(tiny_corpus, tmp_path):
    index = tmp_path / "index"
    assert "464" in ask(tiny_corpus, index).text
    (tiny_corpus / "int.txt").write_text("INT has 512 inpatient beds.", encoding="utf-8")
    got = []
    with build_lock(index):  # as `cartqa index` in another terminal would
        worker = threading.Thread(target=lambda: got.append(ask(tiny_corpus, index).text), daemon=True)
        worker.start()
        worker.join(120)  # a hang guard, not a timing: the answer comes from the loaded index
        assert len(got) == 1 and "464" in got[0], "answered from the current index while the build runs"
    assert "512" in ask(tiny_corpus, index).text, "the change is picked up once the build is done"


def test_a_large_change_builds_in_the_background(tiny_corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    assert "464" in ask(tiny_corpus, index).text
    monkeypatch.setattr(engine, "INLINE_CHANGES", 0)
    (tiny_corpus / "int.txt").write_text("INT has 512 inpatient beds.", encoding="utf-8")
    ask(tiny_corpus, index)  # answered at once, from the current index or the new one
    engine._BACKGROUND[str(index.resolve())].join(120)
    assert "512" in ask(tiny_corpus, index).text


def test_a_new_process_answers_from_the_index_on_disk_while_a_build_runs(tiny_corpus, tmp_path):
    index = tmp_path / "index"
    assert "464" in ask(tiny_corpus, index).text
    (tiny_corpus / "int.txt").write_text("INT has 512 inpatient beds.", encoding="utf-8")
    engine._CACHE.clear()  # as a process that has loaded nothing yet
    engine._WATCHES.clear()
    got = []
    with build_lock(index):
        worker = threading.Thread(target=lambda: got.append(ask(tiny_corpus, index).text), daemon=True)
        worker.start()
        worker.join(120)  # a hang guard, not a timing
        assert len(got) == 1 and "464" in got[0]
    assert "512" in ask(tiny_corpus, index).text


def test_the_watch_falls_back_to_a_timed_check_without_inotify(tmp_path):
    watch = CorpusWatch(tmp_path / "not-yet-there", interval=3600)
    assert not watch.watching
    assert watch.changed() and not watch.changed()  # the first look, then nothing for an hour
    watch.recheck()
    assert watch.changed()
