import pytest

from cartqa.reading.followup import resolve
from cartqa.reading.question import analyse, with_parse
from cartqa.reading.syntax import QuestionParse


@pytest.mark.parametrize("question, kind", [
    ("When was INT established?", "DATE"),
    ("In what year did the project start?", "DATE"),
    ("How many beds does INT have?", "NUMBER"),
    ("Where is the Besta institute?", "PLACE"),
    ("Who coordinates the trials?", "NAME"),
    ("Which hospital is a partner of the project?", "NAME"),
    ("What is the goal of EURE-CART?", "CLAUSE"),
    ("What are the nurses expert in?", "ANY"),
    ("Quando è stato fondato l'INT?", "DATE"),
    ("Quanti posti letto ha l'INT?", "NUMBER"),
    ("Dove si trova il Besta?", "PLACE"),
    ("How long did the project last?", "DURATION"),
    ("Per quanto tempo dura il progetto?", "DURATION"),
    ("What was the planned duration of the project?", "DURATION"),
    ("Which Italian region has the most hospitals?", "PLACE"),
    ("In which Lombard city is the Besta institute?", "PLACE"),
    ("Which city hospital treats more patients?", "NAME"),
    ("How are the cells stored?", "MANNER"),
    ("How is the program described?", "ANY"),
    ("At Humanitas, who treats side effects?", "NAME"),
])
def test_answer_type(question, kind):
    assert analyse(question).answer_type == kind


def test_entities_and_language():
    q = analyse("How many beds does San Raffaele have?")
    assert q.entities == (("san", "raffaele"),) and q.language == "en" and q.focus == "bed"
    assert analyse("Quanti posti letto ha l'Ospedale San Raffaele?").language == "it"
    assert analyse("Come vengono conservate le cellule del progetto?").language == "it"
    assert analyse("Who is the director of the Besta Institute in Milano?").language == "en"


@pytest.mark.parametrize("history", [
    ["When was INT established?"],
    [{"role": "user", "content": "When was INT established?"}, {"role": "assistant", "content": "1928"}],
    [{"role": "user", "content": [{"type": "text", "text": "When was INT established?"}]}],
])
def test_follow_up_pronoun_takes_last_name(history):
    assert resolve("How many beds does it have?", history) == "How many beds does INT have?"


def test_follow_up_leaves_explicit_questions_alone():
    assert resolve("How many beds does IEO have?", ["About INT"]) == "How many beds does IEO have?"
    assert resolve("How many beds does it have?", []) == "How many beds does it have?"


def test_predicate_is_the_head_of_the_noun_asked_about():
    assert analyse("Who is the scientific director of INT?").predicate == "director"
    assert analyse("Who is INT?").predicate == ""


def test_what_a_question_denies_is_no_key_term():
    q = analyse("Which hospital is a partner of the project without being one of its cell factories?")
    assert "partner" in q.term_words and "factories" not in q.term_words and "cell" not in q.term_words


def test_hyphenated_compounds_give_their_parts_and_joined_spellings():
    from cartqa.corpus.text import word_forms

    assert {"milano", "based"} <= word_forms("the Milano-based Hospital")
    assert "car-t" in word_forms("the forefront of CAR T-cell immunotherapy")


def test_the_name_of_a_thing_asks_for_a_name():
    q = analyse("What is the name of the European consortium that San Raffaele joined?")
    assert q.answer_type == "NAME" and q.focus == "consortium"


def test_the_noun_a_what_is_the_question_asks_for():
    assert analyse("What is the biological source of the cells?").asked_noun == "source"
    assert analyse("What is the acronym of INT?").asked_noun == ""  # a frame word


def test_a_verb_after_what_is_no_noun_asked_for():
    assert analyse("What happened to the new protocols?").focus_words == ()
    assert analyse("What treatment regimens did IEO develop?").focus_words == ("treatment", "regimen")
    assert analyse("Which are the academic cell factories?").focus_words == ("academ", "cell", "factori")


def test_a_parsed_focus_split_off_a_hyphenated_name_is_ignored():
    from cartqa.reading.question import with_parse
    from cartqa.reading.syntax import QuestionParse

    q = analyse("What kind of cell CAR-T are stored?")
    assert with_parse(q, QuestionParse(True, "T", "stored")).focus_words == q.focus_words
    assert with_parse(q, QuestionParse(True, "cell", "stored")).focus == "cell"


def test_a_name_after_the_wh_noun_opens_the_next_clause():
    q = analyse("What is the name of the European consortium San Raffaele participates in?")
    assert q.focus_words == ("european", "consortium")


def test_a_full_name_is_an_expansion():
    q = analyse("What is the full name of INT?")
    assert q.expansion and q.terms == ("int",)


@pytest.mark.parametrize("question, field, value", [
    ("San Raffaele holds IRCCS status for its studies in which field?", "preposition", "in"),  # mid-question
    ("What is the bed capacity of San Raffaele?", "answer_type", "NUMBER"),
    ("What is the full English meaning of the acronym IRCCS?", "entities", (("irccs",),)),  # "English" frames
    ("What was the total budget allocated by Lombardy to the project?", "asked_noun", "budget"),
    ("Apart from surgery, name another department of INT.", "single", True),
    ("Name one of the institutes of EURE-CART besides San Raffaele.", "excluding", True),
    ("What is the area of expertise of the hematologists?", "focus_words", ("expertis",)),
    ("What is the hematologists' area of expertise?", "focus_words", ("expertis",)),  # the possessor first
    ("Which German institute is a member?", "entities", (("german",),)),  # a name after the wh-word
    ("Which Milan-area hospital has a CAR-T unit?", "entities", (("milan",), ("car-t",))),  # its capitalised part
    ("Lombardy has how many hospitals?", "entities", ()),  # a lone sentence-initial capital is no sign
    ("Is the IEO in Milan or Rome?", "entities", (("ieo",),)),  # the choices are not names asked about
    ("Is the IEO in Milan or Rome?", "alternatives", ("milan", "rome")),
    ("What is the IEO centre called that unites its experts?", "focus_words", ("ieo", "centr")),
    ("Along with surgery, which department area is part of INT?", "excluding", True),
    ("What are the other institutes taking part in EURE-CART?", "others", True),
    ("Besides surgery, which other departments does INT have?", "others", False),  # it says which are excluded
    ("Which hospital is the other partner of the project?", "others", False),  # one partner the reader knows
    ("What three-year project did Lombardy start?", "items", 0),  # "three-year" counts nothing
    ("Which two areas does IEO cover?", "items", 2),
    ("What is the address of the hospital specialised in nursing?", "asked_noun", "address"),
    ("What is the team of doctors at the unit expert in treating?", "asked_noun", ""),  # the team is the subject
    ("What is the team of doctors at the unit expert in treating?", "object_of", "treating"),
    ("To what kind of tumours does the consortium aim to extend the therapy?", "answer_type", "ANY"),  # not the aim
    ("What does the consortium aim to do?", "answer_type", "CLAUSE"),
    ("Which hospital is a partner rather than one of the cell factories?", "excluded", ("cell", "factori")),
    ("Is it standard practice only in Italy, or abroad too?", "alternatives", ("italy", "abroad")),
    ("INT's departments are medical oncology, surgery and what else?", "excluding", True),
    ("In which countries are the institutes based?", "answer_type", "PLACE"),
    ("Where are the other EURE-CART institutes?", "others", True),  # plural: the ones not named
])
def test_question_forms(question, field, value):
    assert getattr(analyse(question), field) == value


def test_a_field_of_research_asks_for_the_research():
    from cartqa.reading.question import with_parse
    from cartqa.reading.syntax import QuestionParse

    q = analyse("In which field of research is Lombardy a main contributor?")
    assert q.focus_words == ("research",) and q.kind  # a field of research is a kind of research
    assert with_parse(q, QuestionParse(False, "field")).focus == "research"  # the parser's head is the frame


def test_a_misspelt_opening_wh_word_is_mended():
    from cartqa.reading.mending import mend_wh_word

    assert analyse(mend_wh_word("wich hospital has 464 beds?")).answer_type == "NAME"
    assert mend_wh_word("Hoe many beds?") == "How many beds?"
    assert mend_wh_word("Were is INT?") == "Were is INT?"  # a word of its own
    assert mend_wh_word("Wher is INT?") == "Wher is INT?"  # where or when: not guessed


def test_the_object_of_a_stranded_infinitive_is_no_subject():
    q = analyse("Which diseases are the CARCIK cells intended to treat?")
    parsed = QuestionParse(True, "diseases", "", "")  # a parser taking "which diseases" for the subject
    assert not with_parse(q, parsed).wh_subject
    assert with_parse(analyse("Which institutes were selected to participate?"), parsed).wh_subject


def test_a_verb_stranded_at_the_end_has_the_object():
    q = analyse("What do the doctors specialize in treating?")
    assert with_parse(q, QuestionParse(False, "", "", "specialize")).object_of == "treating"


@pytest.mark.parametrize("question, focus", [
    ("What is the bed count at San Raffaele?", "bed"),
    ("What is the number of inpatient beds at INT?", "bed"),
    ("List all the departments into which INT is divided.", "depart"),
])
def test_what_is_counted_or_listed_is_the_focus(question, focus):
    assert analyse(question).focus == focus


@pytest.mark.parametrize("question, answer_type, focus", [
    ("Name the year INT was established.", "DATE", "year"),
    ("List departments of INT.", "ANY", "depart"),
])
def test_imperative_questions(question, answer_type, focus):
    q = analyse(question)
    assert (q.answer_type, q.focus) == (answer_type, focus)


@pytest.mark.parametrize("question", [
    "What is EURE-CART ultimately trying to achieve?",
    "What does EURE-CART hope to achieve?",
])
def test_what_something_tries_to_achieve_is_its_purpose(question):
    assert analyse(question).answer_type == "CLAUSE"


@pytest.mark.parametrize("question, answer_type", [
    ("What is the Pagencell project for?", "CLAUSE"),
    ("What are the CARCIK cell banks used for?", "CLAUSE"),
    ("What is INT known for?", "ANY"),  # what is said of it, not its purpose
    ("What is the IEO recognized for?", "ANY"),
])
def test_what_a_thing_is_for_is_its_purpose(question, answer_type):
    assert analyse(question).answer_type == answer_type


@pytest.mark.parametrize("question, expansion", [
    ("What does WCC mean?", True),
    ("what does IRCCS refer to?", True),
    ("What does the project mean for patients?", False),  # no acronym
])
def test_what_an_acronym_means_is_its_expansion(question, expansion):
    assert analyse(question).expansion is expansion


@pytest.mark.parametrize("question, alternatives", [
    ("Humanitas or San Raffaele: which one was selected for EURE-CART?", ("humanitas", "san raffaele")),
    ("Which one has more beds, INT or San Raffaele?", ("int", "san raffaele")),
    ("Which of them was established in 1928: INT, IEO or Humanitas?", ("int", "ieo", "humanitas")),
    ("Was Humanitas or San Raffaele selected for EURE-CART?", ("humanitas", "san raffaele")),
    ("Which cell factories are in Milano, Pavia or Bergamo?", ()),  # asks for all of them
    ("Who leads the WCC or the IEO?", ()),  # a wh-question, no choice
])
def test_choices_set_apart_or_named_mid_question(question, alternatives):
    q = analyse(question)
    assert q.alternatives == alternatives
    if alternatives:  # the choices are no names the sentence must hold
        assert not any(set(e) <= {w for a in alternatives for w in a.split()} for e in q.entities)


@pytest.mark.parametrize("question, mended", [
    ("What are the research fields in which INT has programs?", "In which research fields INT has programs?"),
    ("What is the city in which the Besta institute lies?", "In which city the Besta institute lies?"),
    ("What is the name of the city in which INT lies?", "What is the name of the city in which INT lies?"),
    ("What are the programs INT runs?", "What are the programs INT runs?"),
    ("List the fields of research in which INT has programs.", "In which fields of research INT has programs."),
    # one of them, not the whole list
    ("Name one field of research in which INT runs programs.", "Name one field of research in which INT runs programs."),
])
def test_a_relative_clause_on_the_asked_noun_is_its_wh_phrase(question, mended):
    from cartqa.reading.mending import mend_relative

    assert mend_relative(question) == mended


def test_the_noun_after_what_kind_of_stays_the_focus_whatever_a_parser_says():
    # a translated question, which a parser misreads
    q = analyse("What kind of tumors IEO centres of excellence important?")
    assert with_parse(q, QuestionParse(False, "centres")).focus == "tumor"
    assert with_parse(analyse("What kind of cell banks is it?"), QuestionParse(False, "banks")).focus == "bank"


def test_a_verb_before_as_ends_the_wh_phrase():
    assert analyse("Which Italian region counts as a main contributor?").focus_words == ("italian", "region")
    assert analyse("Which institute acts as coordinator?").focus == "institut"


@pytest.mark.parametrize("question, mended", [
    ("As a patient, I'd like to know where the cells come from.", "where the cells come from."),
    ("Hi! I'm a nurse. How many beds does INT have?", "How many beds does INT have?"),
    ("Sono una paziente: l'IEO ha un centro per le donne?", "l'IEO ha un centro per le donne?"),
    ("I was wondering when INT was founded", "when INT was founded"),
    ("Journalist here: which region leads?", "which region leads?"),
    # a colon ends the asker's sentence after one letter too ("CAR-T:")
    ("I'm a student writing about CAR-T: where do the cells come from?", "where do the cells come from?"),
    ("According to the text, when was INT founded?", "when was INT founded?"),
    # a pronoun in the question names what the sentence before is about
    ("I'd like to know about the IEO. When was it founded?", "When was the IEO founded?"),
    ("The cells in the banks: what is their source?", "what is the source of the cells in the banks?"),
    # a yes/no wish, and a question about the answer to another, stay as written
    ("I wonder whether INT has beds.", "I wonder whether INT has beds."),
    ("Which hospital has a unit? How many beds does it have?", "Which hospital has a unit? How many beds does it have?"),
    # a statement before a question that says all it asks is context the question does not need...
    ("I've read that INT treats cancer. The centre is devoted to what, exactly?",
     "The centre is devoted to what, exactly?"),
    # ... unless the question leaves out what it counts, or what comes before is its own fragment
    ("Humanitas or San Raffaele: which one was selected for EURE-CART?",
     "Humanitas or San Raffaele: which one was selected for EURE-CART?"),
    ("I read INT has 464 beds. How many does the IEO have?", "I read INT has 464 beds. How many does the IEO have?"),
    # after "my colleague", what the statement is about is the first phrase that follows
    ("My colleague said the IEO was picked. How many beds does it have?", "How many beds does the IEO have?"),
])
def test_who_asks_and_how_is_left_out(question, mended):
    from test_picking import ScriptedParser

    from cartqa.reading.grounding import CorpusView
    from cartqa.reading.mending import mend_preamble

    # (the scripted subject is the first of these in the sentence)
    view = CorpusView([], ScriptedParser(["My colleague", "I", "the IEO", "The cells in the banks", "Which hospital",
                                          "a unit"]))
    assert mend_preamble(question, view.topic) == mended


def test_i_is_no_name():
    assert analyse("What is their source, I'd like to know?").entities == ()


@pytest.mark.parametrize("question, verb", [
    ("Which Italian region ranks among the main contributors to CAR-T research?", "ranks"),
    ("Which region counts among the main contributors?", "counts"),
    # who did the naming is no part of what the document says
    ("Which region is named as one of the main contributors?", "named"),
    ("Which hospital is described as a centre of excellence?", "described"),
])
def test_ranking_among_is_being_one_of(question, verb):
    assert with_parse(analyse(question), QuestionParse(True, "region", verb)).subject_verb == ""
    assert with_parse(analyse("Which region leads the research?"), QuestionParse(True, "region", "leads")).subject_verb
    # a parser that read "region counts" as a compound noun still leaves the wh-phrase the subject
    misread = with_parse(analyse(question), QuestionParse(False, "region", "", verb))
    assert misread.wh_subject and misread.object_of == ""


def test_a_length_of_time_is_no_noun_to_find():
    q = analyse("What is the planned duration of the Pagencell initiative?")
    assert q.answer_type == "DURATION" and q.asked_noun == "" and "durat" not in q.terms


@pytest.mark.parametrize("question", ["Which body started the Pagencell project?",
                                      "Which authority funds the banks?"])
def test_a_body_is_a_named_thing(question):
    assert analyse(question).answer_type == "NAME"


@pytest.mark.parametrize("question, answer_type", [
    ("Over how many years was the initiative planned to run?", "DURATION"),
    ("For how long was the programme planned to run?", "DURATION"),
    ("San Raffaele clinical specialties count?", "NUMBER"),
    # queries without a wh-word
    ("pagencell project start year", "DATE"),
    ("humanitas car-t unit number of nursing teams", "NUMBER"),
    ("How many outpatient visits per year does INT provide?", "NUMBER"),  # "per year" is no date
    ("Which part of Italy has the most cancer hospitals?", "PLACE"),
    # a relative "in which" after a noun names no kind of thing asked for
    ("Name one area of research in which the Institute runs programmes.", "ANY"),
    ("In which hospital is the WCC?", "NAME"),
])
def test_answer_types_of_looser_forms(question, answer_type):
    assert analyse(question).answer_type == answer_type


def test_question_forms_that_hide_their_parts():
    # one letter of "T-cell" names nothing; "themselves" sets nothing aside
    assert analyse("Which region leads chimeric antigen receptor T-cell studies?").entities == ()
    assert analyse("Apart from the cell factories themselves, which hospital partners the project?").excluded == \
        ("cell", "factori")
    # a preposition right before another one is stranded: its object is asked for
    assert analyse("What does the IEO pair its research with in pursuit of excellence?").preposition == "with"


@pytest.mark.parametrize("question, mended", [
    ("what's the source of the cells in Lombardy's banks?", "what is the source of the cells in Lombardy's banks?"),
    ("Who’re the partners?", "Who are the partners?"),
    ("Where's INT?", "Where is INT?"),
    ("What is INT's bed count?", "What is INT's bed count?"),  # after a noun, a possessive
    ("What is it's bed count?", "What is it's bed count?"),  # (a possessive misspelt, as often)
    ("Who's led the IEO?", "Who's led the IEO?"),  # before a participle, "has"
])
def test_a_contracted_verb_is_written_out(question, mended):
    from cartqa.reading.mending import mend_contraction

    assert mend_contraction(question) == mended


@pytest.mark.parametrize("question, single", [
    ("Give me an example of a cell factory in Milan.", True),
    ("Which areas are the departments grouped into? Name at least one.", True),
    ("Give me a list of the cell factories.", False),
    ("Which cell factories are in Milan?", False),
])
def test_asking_for_one_example(question, single):
    assert analyse(question).single is single


def test_a_capacity_asks_for_a_number_however_many_words_qualify_it():
    assert analyse("What is the inpatient hospitalisation capacity of INT?").answer_type == "NUMBER"
    assert analyse("What is the bed capacity of INT?").answer_type == "NUMBER"


def test_a_word_between_what_and_a_determiner_is_a_verb():
    q = with_parse(analyse("What characterises the public service?"), QuestionParse(False, "characterises"))
    assert q.subject_verb == "characterises" and q.wh_subject and q.focus_words == ()
    # "does" is the auxiliary of another verb
    assert with_parse(analyse("What does the IEO provide?"), QuestionParse(False, "", "", "provide")).subject_verb == ""


@pytest.mark.parametrize("query, noun", [
    ("pagencell cell storage approach", "approach"),
    ("pagencell storage approach?", "approach"),
    ("INT beds", ""),  # a plural: how many, or which
    ("humanitas nurses expertise status", "status"),  # singular, though it ends in -s
    ("WCC stands for?", ""),  # a verb before a stranded preposition
    ("Name the storage approach", ""),  # an order says what it asks otherwise
])
def test_a_query_of_nouns_asks_for_its_last(query, noun):
    assert analyse(query).asked_noun == noun


def test_choices_the_parser_finds_make_a_closed_question():
    q = analyse("In 1974, did Ayn Rand have surgery for lung cancer or for breast cancer?")
    assert q.alternatives == ()  # the word patterns miss a choice after a fronted phrase
    closed = with_parse(q, QuestionParse(choices=("for lung cancer", "for breast cancer")))
    assert closed.alternatives == ("for lung cancer", "for breast cancer")
    # a sentence says one choice: the words telling them apart are no terms; the shared head still is
    assert "lung" not in closed.term_words and "breast" not in closed.term_words and "cancer" in closed.term_words


@pytest.mark.slow
def test_the_parser_reads_the_choices_of_a_closed_question():
    from cartqa.reading.syntax import Parser

    parser = Parser()
    assert parser.question("Of the Constitutional Court judges, does the President appoint four or two?").choices == (
        "four", "two")
    assert parser.question("Among the alkali metals, which is less dense: sodium or potassium?").choices == (
        "sodium", "potassium")
    assert parser.question("How many buildings were destroyed or damaged by fire?").choices == ()  # no choice asked
