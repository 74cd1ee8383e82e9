"""The reader's corpus view works out per-sentence context when first asked, with the same result."""

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
