"""A passage shown in place of a short answer is readable: a long sentence comes as the window
of at most 40 words around its likeliest span, cut where the text goes on, the span inside."""

from __future__ import annotations

import pytest

from cartqa.pipeline.qa import to_answer
from cartqa.reading.extractive import Extraction
from cartqa.reading.grounding import Sentence
from cartqa.reading.window import WORDS, window
from cartqa.records import Chunk, Hit

LONG = ("The museum, which opened in 1901 after a decade of fund-raising by the city's merchants, "
        "holds paintings, sculptures, maps, coins, letters, photographs, costumes, tools, weapons, clocks, "
        "furniture and ceramics from the region, and in 1958 it moved to the former grain exchange, "
        "a building designed by Carla Bruni-Vetti, whose roof was rebuilt after the fire of 1977.")


@pytest.mark.parametrize("target", ["1901", "Carla Bruni-Vetti", "1977", "The museum"])
def test_the_window_holds_the_span_and_at_most_the_words_allowed(target):
    at = LONG.index(target)
    a, b = window(LONG, at, at + len(target))
    shown = LONG[a:b]
    assert target in shown and len(shown.split()) == WORDS
    assert LONG.startswith(shown) or LONG[a - 1] == " "  # whole words only
    assert LONG.endswith(shown) or LONG[b] == " "


def test_the_span_sits_near_the_middle_when_both_sides_have_words():
    text = " ".join(f"w{i}" for i in range(100))
    a, b = window(text, text.index("w50"), text.index("w50") + 3, words=11)
    assert text[a:b].split() == [f"w{i}" for i in range(45, 56)]


def test_a_span_longer_than_the_window_keeps_its_start():
    text = " ".join(f"w{i}" for i in range(30))
    a, b = window(text, text.index("w5"), len(text), words=4)
    assert text[a:b] == "w5 w6 w7 w8"


def test_short_or_empty_text_is_kept_whole():
    assert window("", 0, 0) == (0, 0)
    assert window("  Two words  ", 2, 5) == (2, 11)


def _passage(target: str, marked: bool):
    doc = "Intro sentence here. " + LONG
    s = Sentence("museum.txt", 1, doc.index(LONG), len(doc), LONG)
    at = s.start + LONG.index(target)
    found = Extraction(False, target if marked else "", s, at, at + len(target), 0.4, "passage")
    return to_answer(found, [Hit(Chunk("museum.txt", doc, 0, len(doc)), 1.0, 1)], "When did the museum move?")


@pytest.mark.parametrize("marked", [True, False])
def test_a_long_passage_answer_is_its_window_marked_as_cut(marked):
    answer = _passage("1958", marked)
    assert answer.outcome == "passage" and not answer.found
    assert "1958" in answer.sentence and len(answer.sentence.split()) <= WORDS and answer.sentence in LONG
    assert answer.text.endswith("…") and "…" + answer.sentence.split()[0] in answer.text
    assert answer.sources[0].sentence == LONG  # the source keeps the whole sentence
    assert (answer.sources[0].span is not None) == marked


def test_a_short_passage_answer_is_its_whole_sentence():
    doc = "The hangar holds 14 gliders."
    s = Sentence("club.txt", 0, 0, len(doc), doc)
    found = Extraction(False, "14", s, 17, 19, 0.4, "passage")
    answer = to_answer(found, [Hit(Chunk("club.txt", doc, 0, len(doc)), 1.0, 1)], "How many gliders?")
    assert answer.sentence == doc and answer.text.endswith(": " + doc)


def test_a_passage_answers_first_source_holds_its_whole_sentence_not_only_its_marked_span():
    doc = "The club was founded in 1931. Its hangar, rebuilt in 1977, holds 14 gliders and a tug."
    second = doc.index("Its")
    s = Sentence("club.txt", 1, second, len(doc), doc[second:])
    at = doc.index("14")
    # the first hit holds the marked span but cuts the sentence short; the second holds all of it
    part = Hit(Chunk("club.txt", doc[at - 6:], at - 6, len(doc)), 1.0, 1)
    whole = Hit(Chunk("club.txt", doc, 0, len(doc)), 0.9, 2)
    found = Extraction(False, "14", s, at, at + 2, 0.4, "passage")
    lead = to_answer(found, [part, whole], "How many gliders?").sources[0]
    assert (lead.start, lead.end) == (0, len(doc)) and lead.text[lead.span[0]:lead.span[1]] == "14"
    short = to_answer(Extraction(True, "14", s, at, at + 2, 0.8, "answer"), [part, whole], "How many gliders?")
    assert short.sources[0].start == at - 6  # a short answer's first source is the best hit holding it
    alone = to_answer(found, [part], "How many gliders?").sources[0]  # no hit holds the whole sentence
    assert alone.text == s.text and alone.text[alone.span[0]:alone.span[1]] == "14"
    assert alone.score == part.score  # scored as the passage it overlaps, not by the reader's 0.4
