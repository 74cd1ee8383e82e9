"""The reader's corpus view works out per-sentence context when first asked, with the same result."""

from cartqa.corpus.wordstats import merge, of_document
from cartqa.reading.grounding import CorpusView, Sentence
from cartqa.records import Chunk

TEXT = ("The National Cancer Institute of Milan (INT) opened in 1928. The Institute has 464 beds. "
        "It coordinates trials. IEO treats breast cancer. Its Women Cancer Center opened in 2008.")


def test_carried_words_are_worked_out_on_demand_and_equal_the_eager_result():
    view = CorpusView([Chunk("d", TEXT, 0, len(TEXT))])
    assert view._carried == {} and view._carried_names == {}, "nothing computed at load"
    for s in view.sentences["d"]:
        assert view.carried(s) == view._carry(s) and view.carried_names(s) == view._carry_names(s)
    assert "cancer" in view.carried(view.sentences["d"][1])
    # a sentence from outside the view is computed, never stored under a view sentence's place
    outside = Sentence("d", 99, 0, 10, "It has 10 beds.")
    view.carried(outside)
    assert ("d", 99) not in view._carried


class _Parsed:
    def __init__(self, text: str) -> None:
        words = text.split()
        self.phrases = ((0, len(words[0])),) if words else ()
        self.subject = (0, len(words[0])) if words else None


class _StoredParses:
    """A parser that holds some sentences' parses (as an index does) and counts what it parses."""

    def __init__(self, stored: set[str]) -> None:
        self.stored, self.calls = stored, []

    def held(self) -> int:
        return len(self.stored)

    def sentences(self, texts):
        self.calls.append(list(texts))
        return [_Parsed(t) for t in texts]


PLURAL = "Lombardy has many hospitals and research institutes dedicated to oncology. Milan hosts 17 of them."


def test_parses_are_read_or_made_when_asked_unless_the_index_holds_none():
    view = CorpusView([Chunk("d", TEXT, 0, len(TEXT))])
    sentences = view.sentences["d"]
    parser = _StoredParses({s.text for s in sentences[1:]})
    counts = merge([of_document([s.text for s in sentences])])  # as the index stores them
    view = CorpusView([Chunk("d", TEXT, 0, len(TEXT))], parser, counts=counts)
    assert parser.calls == [] and view.sentences.made == 0, "nothing parsed or split at load"
    assert view.phrases(sentences[2]) == ((0, 2),) and view.subject(sentences[2]) == (0, 2)
    assert parser.calls == [[sentences[2].text]]
    view.phrases(sentences[2])
    assert len(parser.calls) == 1, "read once"
    assert view.phrases(Sentence("d", 99, 0, 5, "Other")) == () and view.subject(Sentence("e", 0, 0, 5, "x")) is None
    # an index built without the parser holds no parse: every sentence is parsed at load, in one batch
    parser = _StoredParses(set())
    CorpusView([Chunk("d", TEXT, 0, len(TEXT))], parser)
    assert parser.calls == [[s.text for s in sentences]]


def test_antecedents_and_referents_on_demand_equal_the_eager_result():
    text = TEXT + " " + PLURAL
    parser = _StoredParses(set())
    view = CorpusView([Chunk("d", text, 0, len(text))], parser)
    assert view._antecedents == {} and view._referents == {}, "nothing resolved at load"
    for s in view.sentences["d"]:
        assert view.antecedent(s) == view._find_antecedent(s)
        assert view.referent(s) == view._find_referent(s)
    assert view.antecedent(view.sentences["d"][1]).index == 0
    outside = Sentence("d", 99, 0, 10, "It has 10 beds.")
    view.antecedent(outside)
    assert ("d", 99) not in view._antecedents


def test_alias_words_found_by_index_are_those_of_every_alias_checked_in_turn():
    import random

    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    view = CorpusView([Chunk("d", TEXT, 0, len(TEXT))])
    view.aliases = {f"s{i}": tuple(rng.sample(vocabulary, rng.randint(0, 4))) for i in range(60)}
    view.descriptions = {f"d{i}": tuple(rng.sample(vocabulary, rng.randint(1, 3))) for i in range(30)}

    def every(present, descriptions):
        pairs = [*view.aliases.items(), *(view.descriptions.items() if descriptions else ())]
        return {w for short, long in pairs if short in present or all(w in present for w in long)
                for w in (short, *long)}

    found = 0
    for _ in range(300):
        present = set(rng.sample(vocabulary + list(view.aliases) + list(view.descriptions), rng.randint(0, 25)))
        for descriptions in (False, True):
            assert view.alias_words(present, descriptions=descriptions) == every(present, descriptions)
            found += bool(every(present, descriptions) - {w for short, long in view.aliases.items() if not long
                                                           for w in (short, *long)})
    assert found > 100, "most draws name some alias by its words or its short name"
