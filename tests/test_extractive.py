"""The extractive answerer on a small synthetic document (no model: similarity is None)."""

import pytest

from cartqa.reading.extractive import extract
from cartqa.reading.grounding import CorpusView
from cartqa.records import Chunk, Hit

# these pin the hand-written rules' own spans and refusals: the learned scorer stays out
pytestmark = pytest.mark.usefixtures("rules_only")

DOC = (
    "Lombardy hosts many oncology institutes. The city of Milano alone hosts 17 of them.\n\n"
    "The Institutes in the project are 4 cell factories: \"Stefano Verri\" - ASST Monza, "
    "Papa Giovanni in Bergamo\nIRCCS San Matteo Foundation in Pavia and Besta Institute in Milano\n\n"
    "The partner is the Milano-based Hospital San Raffaele.\n\n"
    "The Hospital is recognized as IRCCS for its research and has over 1,340 beds.\n\n"
    "Humanitas features a CAR-T unit with hematologists expert in stem cell transplant.\n\n"
    "The National Cancer Institute of Milan (INT), established in 1928, is a center of excellence. "
    "INT has 464 inpatient beds and provides more than 400,000 outpatient visits per year.\n\n"
    "The ultimate goal of EURE-CART is to bring Europe to the forefront of immunotherapy, extending it.\n\n"
    "In 2020 the region started the three-year Pagencell Project."
)


@pytest.fixture(scope="module")
def ask():
    chunk = Chunk("d.txt", DOC, 0, len(DOC))
    view = CorpusView([chunk])
    return lambda q: extract(q, [Hit(chunk, 1.0, 1)], view)


@pytest.mark.parametrize("question, expected", [
    ("When was the National Cancer Institute of Milan established?", "1928"),
    ("How many inpatient beds does INT have?", "464"),
    ("How many outpatient visits does INT provide per year?", "400,000"),
    ("How many beds does San Raffaele have?", "1,340"),
    ("How many oncology institutes does Milano host?", "17"),
    ("Which cell factory is in Pavia?", "San Matteo"),
    ("What is the ultimate goal of EURE-CART?", "bring Europe to the forefront"),
    ("In what are the Humanitas hematologists expert?", "stem cell transplant"),
    ("How long was the Pagencell Project supposed to run?", "three-year"),
    ("What was the planned duration of the Pagencell Project?", "three-year"),
    ("How many of Lombardy's oncology institutes are in Milano?", "17"),  # "17 of them": the antecedent's
    ("how many beds does san raffaele have", "1,340"),  # lower case: names found as written
    ("Besides the cell factories, which Milano hospital is a partner?", "San Raffaele"),  # not a listed factory
])
def test_short_verbatim_answers(ask, question, expected):
    got = ask(question)
    assert got.found, question
    assert expected in got.text and len(got.text.split()) <= 12
    assert DOC[got.start:got.end] == got.text, "answers are verbatim spans with offsets"


@pytest.mark.parametrize("question", [
    "How many beds does Humanitas have?",         # a figure of one hospital asked of another
    "When was Humanitas established?",
    "How many beds does the Mayo Clinic have?",   # an entity the documents never mention
    "When was IEO established?",
    "How long does the EURE-CART project last?",  # a length of time given for another project
    "How many inpatient beds did INT have in 2015?",  # a figure the sentence does not give
    "How many oncology institutes are there in Bergamo?",  # "4 cell factories" counts factories
    "how many beds does the besta institute have",  # typed in lower case, still a name
    "How many beds does the besta institute have?",  # ... but for its first letter
    "Which Bergamo hospital has over 1,340 beds?",  # a place in the wh-phrase is a condition on the answer
])
def test_refuses_what_the_documents_do_not_say(ask, question):
    assert not ask(question).found


def test_an_answer_span_has_no_space_at_its_edges():
    text = "In 2020 the region started the Pagencell Project, aimed at creating cell banks (in particular CARCIK cells)."
    chunk = Chunk("d.txt", text, 0, len(text))
    got = extract("What is the purpose of the Pagencell Project?", [Hit(chunk, 1.0, 1)], CorpusView([chunk]))
    assert got.text == "creating cell banks" and text[got.start:got.end] == got.text


def test_no_hits_is_a_refusal():
    assert not extract("When was INT established?", [], CorpusView([])).found


def test_a_place_is_grounded_by_its_adjective():
    from cartqa.reading.grounding import covers

    assert covers("itali", frozenset({"italian"})) and covers("europ", frozenset({"european"}))
    assert not covers("milan", frozenset({"mill"}))


def test_a_name_in_the_wh_phrase_describes_the_answer_and_is_never_matched_by_meaning():
    text = ("The Besta Institute is in Milano. INT is the Italian coordinator of trials. "
            "The European consortium EURE-CART has 6 partner institutes such as San Raffaele.")
    chunk = Chunk("d.txt", text, 0, len(text))
    view = CorpusView([chunk])
    loose = lambda word, candidates: 0.9  # a model that finds every word close to every other  # noqa: E731
    ask = lambda q: extract(q, [Hit(chunk, 1.0, 1)], view, related=loose)  # noqa: E731
    # Milano is Italian though its sentence does not say so; the corpus does mention "Italian".
    assert ask("Which Italian city is the Besta Institute in?").text == "Milano"
    # "German" is a name the corpus never writes: not "European" by meaning.
    assert not ask("Which German institute is one of the EURE-CART partners?").found


def test_names_are_what_the_corpus_capitalises_inside_sentences_and_never_writes_in_lower_case():
    text = "Partner of the project is Besta. Its institute is Besta Institute in Milano."
    view = CorpusView([Chunk("d.txt", text, 0, len(text))])
    assert "besta" in view.names_only and "milano" in view.names_only
    assert "partner" not in view.names_only  # capitalised only where it opens a sentence
    assert "institute" not in view.names_only  # also written in lower case


def test_a_who_question_needs_its_verb_in_the_sentence_and_never_answers_with_the_name_asked_about():
    text = "The National Cancer Institute of Milan (INT) was established in 1928. The Institute has 464 beds."
    chunk = Chunk("d.txt", text, 0, len(text))
    view = CorpusView([chunk])
    close = lambda word, candidates: 0.9 if word == "founded" and "established" in candidates else 0.0  # noqa: E731
    ask = lambda q: extract(q, [Hit(chunk, 1.0, 1)], view, related=close)  # noqa: E731
    # "founded" means "established", but the sentence names no founder: not "INT", the institute's other name;
    # and the next sentence, which carries "established" only from the one before, says nothing of founding
    assert not ask("Who founded the National Cancer Institute of Milan?").found


def test_a_lower_case_question_is_parsed_with_its_capital():
    seen = []

    class Parser:
        def sentences(self, texts):
            return [None] * len(texts)

        def question(self, question):
            seen.append(question)

    CorpusView([], Parser()).parse_question("which region has 17 institutes?")
    assert seen == ["Which region has 17 institutes?"]


class _Phrases:
    """A scripted parser: the listed noun phrases wherever they occur; the first one is the subject."""

    def __init__(self, phrases):
        self.phrases = phrases

    def sentences(self, texts):
        from types import SimpleNamespace

        out = []
        for t in texts:
            spans = tuple(sorted((t.index(p), t.index(p) + len(p)) for p in self.phrases if p in t))
            out.append(SimpleNamespace(phrases=spans, subject=spans[0] if spans else None))
        return out

    def question(self, question):
        return None


REFERRING = ("Lombardy is the region with the largest number of hospitals and research institutes dedicated "
             "to oncology. The city of Milano alone hosts 17 of them.\n\n"
             "Humanitas has a CAR-T unit.\n\n"
             "Partner of the project is also the Milano-based Hospital San Raffaele, one of the 6 institutes "
             "of excellence.\n\n"
             "IEO treats breast cancer.\n\n"
             "INT has 464 inpatient beds.\n\n"
             "The Hospital is recognized as IRCCS and has over 1,340 beds.")


def test_what_a_plural_pronoun_stands_for_is_said_in_full():
    chunk = Chunk("r.txt", REFERRING, 0, len(REFERRING))
    view = CorpusView([chunk], _Phrases(["Lombardy", "the region", "the largest number", "hospitals",
                                         "research institutes", "oncology", "The city of Milano"]))
    s = view.sentences["r.txt"][1]
    assert view.referent(s) == {"hospitals", "research", "institutes", "dedicated", "oncology"}
    assert view.referent(view.sentences["r.txt"][0]) == frozenset()
    got = extract("How many hospitals and research institutes focused on oncology are there in Milan?",
                  [Hit(chunk, 1.0, 1)], view)
    assert got.found and got.text.startswith("17")


def test_a_sentence_referring_back_to_a_retrieved_one_is_a_candidate():
    first = Chunk("r.txt", REFERRING[:REFERRING.index("Humanitas")], 0, REFERRING.index("Humanitas"))
    start = REFERRING.index("Partner")
    end = REFERRING.index("IEO")
    partner = Chunk("r.txt", REFERRING[start:end], start, end)
    whole = Chunk("r.txt", REFERRING, 0, len(REFERRING))
    view = CorpusView([whole], _Phrases(["the Milano-based Hospital San Raffaele", "The Hospital"]))
    # retrieval found only the sentence naming the partner; the beds are in "The Hospital ..." after it
    got = extract("How many beds does the Milan partner hospital of the project have?", [Hit(partner, 1.0, 1)], view)
    assert got.found and "1,340" in got.text
    assert not extract("How many beds does the Milan partner hospital of the project have?",
                       [Hit(first, 1.0, 1)], view).found  # nothing there refers back to the partner


def test_a_definite_subject_is_about_the_name_it_refers_to():
    text = ("National cancer research is strong. The National Cancer Institute of Milan is a cancer center.\n\n"
            "Partner of the project is the Milano-based Hospital San Raffaele, one of 6 institutes in EURE-CART.\n\n"
            "The Hospital has more than 50 clinical specialties.")
    chunk = Chunk("h.txt", text, 0, len(text))
    view = CorpusView([chunk], _Phrases(["the Milano-based Hospital San Raffaele", "The Hospital"]))
    ask = lambda q: extract(q, [Hit(chunk, 1.0, 1)], view)  # noqa: E731
    assert "50" in ask("How many clinical specialties does San Raffaele have?").text
    assert "50" in ask("How many clinical specialties does the hospital in EURE-CART have?").text
    # "Milano" and "institutes" are in the sentence "The Hospital" points to, but it is San Raffaele
    assert not ask("How many clinical specialties does the National Cancer Institute of Milan have?").found


def test_numbers_and_set_aside_words_are_never_matched_by_meaning():
    from cartqa.reading.extractive import _score
    from cartqa.reading.question import analyse

    text = "The Hospital San Raffaele is a multi-specialty center and a partner of the project."
    view = CorpusView([Chunk("m.txt", text, 0, len(text))])
    s = view.sentences["m.txt"][0]
    related = lambda word, candidates: 0.9 if word == "five" and "multi" in candidates else 0.0  # noqa: E731
    q = analyse("Which hospital is one of the five partners of the project?")
    assert _score(q, s, None, view, related).coverage < 0.9  # "five" is a figure, not "multi"
    # a fronted "besides ..." sets its words aside: they neither help nor hurt
    aside = analyse("Besides the cell factories, which hospital is a partner of the project?")
    assert _score(aside, s, None, view, related).coverage == 1.0


def test_a_verb_is_said_by_its_own_stem_or_meaning_not_a_derived_spelling():
    from cartqa.reading.extractive import _says

    assert _says("founded", frozenset({"foundation"}), None)  # as close in spelling as Pagencell / Plagencell
    assert not _says("founded", frozenset({"foundation"}), None, spelling=False)
    assert _says("founded", frozenset({"founds", "it"}), None, spelling=False)


@pytest.mark.parametrize("opening, refers", [
    ("The Hospital is recognized as IRCCS.", True),
    ("The city of Milano alone hosts 17 of them.", True),  # "of them" still points back
    ("The city of Milano is large.", False),
    ("The Institutes participating in the Plagencell Project are 5 cell factories.", False),
])
def test_a_definite_noun_refers_back_unless_its_modifier_names_it(opening, refers):
    text = "Lombardy has research institutes and a hospital. " + opening
    view = CorpusView([Chunk("o.txt", text, 0, len(text))])
    assert (view.antecedent(view.sentences["o.txt"][1]) is not None) == refers


def test_what_the_question_sets_aside_by_name_is_no_answer_nor_what_its_sentences_say():
    text = ("Research Hospital Humanitas features a CAR-T unit with hematologists.\n\n"
            "Partner of the project is the Milano-based Hospital San Raffaele, one of 6 institutes selected for "
            "EURE-CART.\n\n"
            "The Hospital is recognized as IRCCS (Scientific Institute for Research) for its research.")
    chunk = Chunk("a.txt", text, 0, len(text))
    view = CorpusView([chunk], _Phrases(["Research Hospital Humanitas", "a CAR-T unit", "hematologists",
                                         "the Milano-based Hospital San Raffaele", "6 institutes", "The Hospital",
                                         "IRCCS", "Scientific Institute", "Research", "its research"]))
    ask = lambda q: extract(q, [Hit(chunk, 1.0, 1)], view)  # noqa: E731
    assert "Humanitas" in ask("Which hospital has a CAR-T unit?").text
    assert not ask("Which hospital besides Humanitas has a CAR-T unit?").found
    # "The Hospital ..." is San Raffaele: its IRCCS name is none of the other institutes
    assert not ask("Which other institutes besides San Raffaele were selected for EURE-CART?").found


def test_a_who_answer_is_not_the_acronym_of_a_long_form_named_in_other_words():
    text = "The National Cancer Institute of Milan (INT), established in 1928, is a center of excellence."
    chunk = Chunk("w.txt", text, 0, len(text))
    view = CorpusView([chunk])
    # three of its four words: an Italian question's "Istituto Nazionale dei Tumori di Milano" is still INT
    assert not extract("Who established the National Institute of Tumors of Milano?", [Hit(chunk, 1.0, 1)], view).found


def test_a_closed_choice_is_read_in_the_list_item_the_question_names():
    text = ("The cell factories are: San Matteo Foundation in Pavia\nCa' Granda Policlinico in Milano "
            "and Besta Neurological Institute in Milano")
    chunk = Chunk("c.txt", text, 0, len(text))
    view = CorpusView([chunk])
    ask = lambda q: extract(q, [Hit(chunk, 1.0, 1)], view)  # noqa: E731
    assert ask("Is the Besta Neurological Institute in Milano or Pavia?").text == "Milano"
    assert ask("Is the San Matteo Foundation in Milano or Pavia?").text == "Pavia"


def test_a_word_another_question_word_names_exactly_is_not_also_a_spelling_variant():
    from cartqa.reading.extractive import _score
    from cartqa.reading.question import analyse

    text = "The Tettamanti Foundation runs a cell factory."
    view = CorpusView([Chunk("f.txt", text, 0, len(text))])
    q = analyse("Who founded the Tettamanti Foundation?")
    # "found" is spelt like "foundat(ion)", but the question's own "Foundation" is what the text's is
    assert _score(q, view.sentences["f.txt"][0], None, view).coverage < 1.0


class _EventParser:
    """No phrases; the question's main verb from a table, as spaCy would give it."""

    def __init__(self, events):
        self._events = events

    def sentences(self, texts):
        from cartqa.reading.syntax import Parsed

        return [Parsed() for _ in texts]

    def question(self, question):
        from cartqa.reading.syntax import QuestionParse

        return QuestionParse(event=self._events.get(question, ""))


class _Actions:
    def __init__(self, pairs):
        self._pairs = pairs

    def is_a(self, word, kind):
        return None

    def same_action(self, verb, other, every_sense=False):
        return (verb, other) in self._pairs


@pytest.mark.parametrize("question, event, expected", [
    ("When was the Pagencell Project started?", "started", "2020"),  # said by its own stem
    ("When did the Pagencell Project kick off?", "kick off", "2020"),  # a way of starting
    ("When was the Pagencell Project funded?", "funded", None),  # the year it started is not the year it was funded
    ("When was the Pagencell Project completed?", "completed", None),
])
def test_a_date_is_of_the_event_the_question_names(question, event, expected):
    text = "In 2020 the region started the three-year Pagencell Project."
    chunk = Chunk("d.txt", text, 0, len(text))
    view = CorpusView([chunk], _EventParser({question: event}), _Actions({("kick off", "started")}))
    got = extract(question, [Hit(chunk, 1.0, 1)], view, lambda q, ss: [0.7] * len(ss), lambda w, cs: 0.0)
    assert (got.text if got.found else None) == expected


def test_the_main_verb_counts_as_said_by_a_verb_of_its_sense():
    text = "In 2020 the council held a meeting. In 2020 the council started the Pagencell Project."
    chunk = Chunk("d.txt", text, 0, len(text))
    question = "What did the council kick off in 2020?"
    view = CorpusView([chunk], _EventParser({question: "kick"}), _Actions({("kick off", "started")}))  # whole
    got = extract(question, [Hit(chunk, 1.0, 1)], view,
                  lambda q, ss: [0.7] * len(ss), lambda w, cs: 0.0)
    assert got.found and "Pagencell" in got.text


def test_a_translated_question_s_verb_is_not_held_against_the_date():
    # "In che anno è nato ..." -> "In what year started ...": the dictionary's guess at the verb
    text = "INT was established in the year 1928."
    chunk = Chunk("d.txt", text, 0, len(text))
    question = "In what year started INT?"
    view = CorpusView([chunk], _EventParser({question: "started"}), _Actions(set()))
    ask = lambda translated: extract(question, [Hit(chunk, 1.0, 1)], view, lambda q, ss: [0.7] * len(ss),  # noqa: E731
                              lambda w, cs: 0.0, translated=translated)
    assert not ask(False).found and ask(True).text == "1928"


def test_a_translated_question_asking_for_an_untranslated_noun_is_refused():
    text = "Partner of the project is the Hospital San Raffaele, in the consortium EURE-CART."
    chunk = Chunk("d.txt", text, 0, len(text))
    view = CorpusView([chunk])
    ask = lambda q, translated: extract(q, [Hit(chunk, 1.0, 1)], view, lambda q, ss: [0.7] * len(ss),  # noqa: E731
                                        lambda w, cs: 0.3, translated=translated)
    assert not ask("Which paesi are in the consortium EURE-CART?", True).found  # "paesi" stayed Italian
    assert ask("Which hospital is in the consortium EURE-CART?", True).found
    # an English word the documents never use (a dictionary's "ente" -> body) still says a kind
    assert ask("Which body is in the consortium EURE-CART?", True).found


def test_a_country_is_what_documents_of_that_country_call_national():
    from test_picking import ScriptedParser, Thesaurus

    text = ("INT is the Italian coordinator of numerous trials in Lombardy.\n\n"
            "Lombardy is one of the main contributors to CAR-T research at the national level and the region "
            "with most hospitals.")
    chunk = Chunk("n.txt", text, 0, len(text))
    countries = Thesaurus(lambda word, kind: kind == "country" and word in ("italy", "germany"))
    question = "Which region is one of Italy's main contributors to CAR-T research?"
    phrases = ScriptedParser(["Lombardy", "the main contributors", "CAR-T research", "the national level", "INT",
                              "the Italian coordinator", "numerous trials", "the region", "most hospitals"],
                             {question, question.replace("Italy", "Germany")})
    view = CorpusView([chunk], phrases, countries)
    assert extract(question, [Hit(chunk, 1.0, 1)], view).text == "Lombardy"
    # the documents name no German thing: "national" is not Germany's level
    assert not extract(question.replace("Italy", "Germany"), [Hit(chunk, 1.0, 1)], view).found
    # without knowing Italy is a country, nothing says the text is about Italy's level
    assert not extract(question, [Hit(chunk, 1.0, 1)], CorpusView([chunk], phrases)).found


def test_a_name_is_asked_by_the_kind_an_apposition_gives_it():
    text = ("San Raffaele was selected for the European consortium EURE-CART.\n\n"
            "The ultimate goal of EURE-CART is to extend immunotherapy to incurable tumours.")
    chunk = Chunk("e.txt", text, 0, len(text))
    view = CorpusView([chunk], _Phrases(["San Raffaele", "the European consortium", "EURE", "CART",
                                         "The ultimate goal", "immunotherapy", "incurable tumours"]))
    close = lambda question, sentences: [0.8] * len(sentences)  # noqa: E731
    ask = lambda q: extract(q, [Hit(chunk, 1.0, 1)], view, close)  # noqa: E731
    assert ask("What kind of tumours does the European consortium hope to extend immunotherapy to?").text == \
        "incurable tumours"
    # a description names no one else's consortium
    assert not ask("What kind of tumours does the Italian consortium hope to extend immunotherapy to?").found


def test_a_sentence_is_about_the_title_and_heading_it_sits_under():
    body = "Data Set Characteristics\n\nThe data were collected in a fitness club in 1998. Twenty men were measured."
    titled = "Linnerrud dataset -----------------\n\n" + body
    chunk = Chunk("linnerud.rst.txt", titled, 0, len(titled))
    ask = lambda q, c: extract(q, [Hit(c, 1.0, 1)], CorpusView([c]))  # noqa: E731
    assert ask("When were the data of the Linnerrud dataset collected?", chunk).text == "1998"
    assert ask("How many men were measured for the Linnerrud dataset?", chunk).text == "Twenty men"
    # the title names this dataset, not another one
    assert not ask("When were the data of the Iris dataset collected?", chunk).found
    # the same name in a sentence of the text, not a title, is not what the paragraphs after it are about
    untitled = "We describe a dataset named Linnerrud in what follows.\n\n" + body
    other = Chunk("notes.txt", untitled, 0, len(untitled))
    assert not ask("When were the data of the Linnerrud dataset collected?", other).found


def test_a_name_is_known_by_the_words_that_say_which_one():
    from test_picking import Thesaurus

    from cartqa.reading.extractive import _names_unknown_entity
    from cartqa.reading.question import analyse

    text = "The clinical centre has 300 beds. The Humanitas Clinic opened in 1996. The UN Security Council met."
    kinds = {"clinic", "security", "council"}  # as WordNet has them: kinds of organization
    view = CorpusView([Chunk("c.txt", text, 0, len(text))], None,
                      Thesaurus(lambda word, kind: kind == "organization" and word in kinds))
    # "clinic" is spelt like "clinical", but a clinic is a kind of organization: "Mayo" says which one
    assert _names_unknown_entity(analyse("How many beds does the Mayo Clinic have?"), view)
    assert _names_unknown_entity(analyse("How many beds does the Mayo Hospital have?"), view)
    assert not _names_unknown_entity(analyse("When did the Humanitas Clinic open?"), view)
    # a name of kind words alone is known by them
    assert not _names_unknown_entity(analyse("What does the Clinical Centre do?"), view)
    # read from Italian, a name may keep an Italian word ("ONU" for the UN): any of its words will do
    onu = analyse("When did the Security Council of ONU meet?")
    assert _names_unknown_entity(onu, view) and not _names_unknown_entity(onu, view, translated=True)


def test_other_readers_spans_are_grounded_as_the_question_was_read():
    from test_picking import Thesaurus

    from cartqa.reading.extractive import grounded

    text = "The UN Security Council met in New York in 2014."
    kinds = {"security", "council"}
    view = CorpusView([Chunk("c.txt", text, 0, len(text))], None,
                      Thesaurus(lambda word, kind: kind == "organization" and word in kinds))
    sentence = view.sentences["c.txt"][0]
    question = "Where did the Security Council of ONU meet in 2014?"  # read from Italian, "ONU" kept
    assert not grounded(question, sentence, view)
    assert grounded(question, sentence, view, translated=True)


@pytest.mark.parametrize("question", ["Who takes care of side effects?",
                                      "which hospital takes part in the cell bank project",
                                      "How many beds does the new hospital in Milan have?",
                                      "side effects side effects"])
def test_every_phrase_read_by_meaning_is_one_the_question_embeds_beforehand(question):
    """An answer embeds its question's phrases in one batch; a phrase compared later, outside it,
    costs a model call of its own."""
    from cartqa.reading.extractive import _phrase_credits, question_phrases
    from cartqa.reading.question import analyse

    q = analyse(question)
    compared: list[str] = []

    def related(text, candidates):
        compared.append(text)
        return 0.0

    _phrase_credits(q, list(range(len(q.term_words))), [0.0] * len(q.term_words), ["x"], related)
    warmed = set(question_phrases(question))
    assert compared and set(compared) <= warmed
    assert len(warmed) < len(q.term_words) * 3 - 3  # not every pair and triple of its words
