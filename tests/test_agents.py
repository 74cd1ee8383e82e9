"""Who does what a sentence says as an expertise, on fakes: a scripted parser, thesaurus and meanings."""

import pytest
from test_picking import ScriptedParser, Thesaurus

from cartqa.reading.extractive import extract
from cartqa.reading.grounding import CorpusView
from cartqa.records import Chunk, Hit

# these pin the hand-written rules' own spans and refusals: the learned scorer stays out
pytestmark = pytest.mark.usefixtures("rules_only")

TEXT = ("Research Hospital Humanitas features a CAR-T unit with hematologists expert in stem cell transplant, "
        "two teams of professional nurses with specific competences in apheresis and a multidisciplinary team "
        "of doctors expert in the treatment of toxic effects of the therapy.")
PHRASES = ["Research Hospital Humanitas", "a CAR-T unit", "hematologists expert", "stem cell transplant", "two teams",
           "professional nurses", "specific competences", "apheresis", "a multidisciplinary team", "doctors",
           "the treatment", "toxic effects", "the therapy"]
# deal and handle share a sense with treat and handle (WordNet's "cover, treat, handle, deal")
ACTIONS = frozenset({("deals", "treat"), ("deals", "handle"), ("handles", "handle"), ("handles", "treat")})
MEANING = {("takes care", "treatment"): 0.38, ("harmful", "toxic"): 0.70, ("physicians", "doctors"): 0.88,
           ("physicians", "hematologists"): 0.60, ("skilled", "expert"): 0.70}


@pytest.fixture(scope="module")
def ask():
    chunk = Chunk("d.txt", TEXT, 0, len(TEXT))
    view = CorpusView([chunk], ScriptedParser(PHRASES), Thesaurus(lambda w, k: None, ACTIONS))

    def related(word, candidates):
        return max((MEANING.get((word, c), 0.0) for c in candidates), default=0.0)

    return lambda q: extract(q, [Hit(chunk, 1.0, 1)], view, lambda q, ss: [0.7] * len(ss), related)


@pytest.mark.parametrize("question, expected", [
    # the action said by a noun of a verb of the same sense, or of like meaning
    ("Who deals with the toxic effects of the therapy at Humanitas?", "multidisciplinary team of doctors"),
    ("Who takes care of the toxic effects of the therapy at Humanitas?", "multidisciplinary team of doctors"),
    ("Who deals with the harmful effects of the therapy at Humanitas?", "multidisciplinary team of doctors"),
    # the thing handled itself, after the expertise
    ("Who handles stem cell transplant at Humanitas?", "hematologists"),
    ("Who deals with apheresis at Humanitas?", "two teams of professional nurses"),
])
def test_who_is_the_phrase_before_an_expertise_in_what_is_done(ask, question, expected):
    assert ask(question).text == expected


@pytest.mark.parametrize("question", [
    "Who funds the treatment of toxic effects at Humanitas?",  # an action the expertise does not say
    "Who funds stem cell transplant at Humanitas?",  # no verb of handling
    "Who deals with the financing of the therapy at Humanitas?",  # the expertise is in another thing
])
def test_an_expertise_in_something_else_answers_no_who_question(ask, question):
    assert not ask(question).found


@pytest.mark.parametrize("question, expected", [
    ("What is the nurses' area of expertise at Humanitas?", "apheresis"),  # whose expertise, not the first listed
    ("What is the area of expertise of the hematologists at Humanitas?", "stem cell transplant"),
])
def test_an_expertise_is_the_one_of_the_holder_the_question_names(ask, question, expected):
    assert ask(question).text == expected


@pytest.mark.parametrize("question", [
    "What are the multidisciplinary doctors at Humanitas experts in dealing with?",
    "At Humanitas, the multidisciplinary doctors are experts in dealing with what?",
    "The multidisciplinary doctors at Humanitas are experts in managing which problems?",
    # the holder named by most of the question's words: not the "two teams" of nurses
    "What problems is the Humanitas multidisciplinary team specialised in managing?",
    # a holder named by a word of like meaning, the nearest of several
    "What are the physicians skilled at managing?",
    "At Humanitas, what are the physicians of the multidisciplinary group skilled at managing?",  # a fronted place
])
def test_what_a_holder_is_expert_in_doing_is_its_expertise(ask, question):
    # the holder's own expertise, whatever verb the question does it with; never the team itself
    assert ask(question).text == "treatment of toxic effects of the therapy"


def test_what_no_holder_named_is_expert_in_doing_is_not_guessed(ask):
    assert not ask("What are the surgeons at Humanitas experts in handling?").found
