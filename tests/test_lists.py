"""What a question sets aside in an enumeration, on a view without a parser."""

import pytest

from cartqa.reading.grounding import CorpusView
from cartqa.reading.lists import list_pick
from cartqa.reading.question import analyse
from cartqa.records import Chunk

FIELDS = "The Institute has programs in every field and phase of research, preclinical, epidemiological, public health and clinical."
FACTORIES = ("The factories are: A Foundation in Monza, B Institute in Bergamo, IRCCS C Ospedale Maggiore "
             "Policlinico Foundation in Milano and D Institute in Milano.")


def _pick(text, question):
    s = CorpusView([Chunk("d", text, 0, len(text))]).sentences["d"][0]
    q = analyse(question)
    span = list_pick(q, s, frozenset(q.terms), None)
    return span and text[span[1]:span[2]]


@pytest.mark.parametrize("question", [
    "Apart from preclinical and clinical, in which fields of research does the Institute have programs?",
    "In which fields of research does the Institute have programs, besides preclinical and clinical?",
])
def test_the_rest_of_a_list_a_lead_in_clause_announces(question):
    assert _pick(FIELDS, question) == "epidemiological, public health"


def test_of_the_rest_the_item_the_question_points_at():
    # "Milano" points at C and D; C is set aside
    assert _pick(FACTORIES, "Besides C Foundation, which other Milano institute is a factory?") == "D Institute in Milano"
    # a long item is still an item; a name's word counts on its own ("Milan-based")
    assert _pick(FACTORIES, "Besides the D institute, which Milan-based foundation is a factory?") == \
        "IRCCS C Ospedale Maggiore Policlinico Foundation in Milano"


def test_a_list_is_as_near_to_a_question_as_its_nearest_member():
    from cartqa.reading.extractive import extract
    from cartqa.records import Hit

    chunk = Chunk("d", FACTORIES, 0, len(FACTORIES))
    view = CorpusView([chunk])
    # a sentence embedder finds the whole long list far from a question about one member, that member near
    near = lambda question, texts: [0.9 if "Bergamo" in t and "Monza" not in t else 0.05 for t in texts]  # noqa: E731
    got = extract("Which of the factories is the one located in Bergamo?", [Hit(chunk, 1.0, 1)], view, near)
    # the learned scorer may name the factory alone or with its town; either is the Bergamo item
    assert got.text in ("B Institute in Bergamo", "B Institute")
