"""The learned reader: candidates, features, the three outcomes, and fitting weights."""

import numpy as np
import pytest

from cartqa.evaluation import ranker, train
from cartqa.evaluation.metrics import GoldQuestion, Outcome, metrics
from cartqa.reading.candidates import propose
from cartqa.reading.choosing import Ranked, choose
from cartqa.reading.grounding import Sentence
from cartqa.reading.question import analyse
from cartqa.reading.scorer import Model, SentenceView, features, relative, wh_word, with_candidates
from cartqa.records import Answer, Source

SENTENCE = Sentence("a.txt", 0, 0, 66, "The National Cancer Institute of Milan was established in 1928.")


def test_candidates_cover_entities_numbers_and_key_values():
    spans = {c.text: c.labels for c in propose(SENTENCE.text)}
    assert "ENT_DATE" in spans["1928"]
    assert any("ENT_ORG" in labels for text, labels in spans.items() if "Cancer Institute" in text)
    values = {c.text: c.labels for c in propose("Number of Attributes: 4 numeric, predictive attributes and the class")}
    assert "VALUE" in values["4 numeric, predictive attributes and the class"]


def test_a_table_rows_cells_code_and_quoted_words_are_candidates_and_no_span_crosses_a_cell():
    row = {c.text: c.labels for c in propose("Samples total | 581012")}
    assert "VALUE" in row["581012"] and "CELL" in row["Samples total"]  # a row of two: a key and its value
    wide = {c.text: c.labels for c in propose("Classes | 7 | 40 | 2")}
    assert {t for t, labels in wide.items() if "CELL" in labels} == {"Classes", "7", "40", "2"}
    assert not any("|" in t for t in wide) and not any("VALUE" in labels for labels in wide.values())
    named = {c.text: c.labels for c in propose("sepal width: | Min: 2.0 | Mean: 3.05")}  # cells named by their column
    assert {t for t, labels in named.items() if "VALUE" in labels} == {"2.0", "3.05"}
    code = {c.text: c.labels for c in propose(":func:`sklearn.datasets.fetch_covtype` returns ``data`` and "
                                              "``target``; see the `homepage <https://x.org>`__.")}
    assert {t for t, labels in code.items() if "CODE" in labels} == {"sklearn.datasets.fetch_covtype", "data", "target"}
    quoted = {c.text: c.labels for c in propose("If 'as_frame' is set to \"True\", the dataset's frame is returned.")}
    assert {t for t, labels in quoted.items() if "QUOTED" in labels} == {"as_frame", "True"}


def test_a_signed_number_is_a_candidate_with_its_sign():
    text = "Isobutane and n-butane boil at -12 and 0 °C; the lake froze at −3.5 degrees."
    spans = {c.text: c.labels for c in propose(text)}
    assert "NUM" in spans["-12"] and "NUM" in spans["−3.5"] and "NUM" in spans["0"]
    assert "n" not in {t for t, labels in spans.items() if "NUM" in labels}  # "n-butane" is no number


def test_sentences_parsed_in_one_batch_are_parsed_as_one_at_a_time_and_kept(monkeypatch):
    from cartqa.reading import candidates

    texts = ["INT has 464 beds.", "Plagencell was funded in 2021 by the region.", "INT has 464 beds."]
    monkeypatch.setattr(candidates, "_analysed", type(candidates._analysed)())
    monkeypatch.setattr(candidates, "CACHED", 2)
    nlp = candidates._nlp()
    alone = [candidates._analysis(nlp(t, disable=["lemmatizer"])) for t in texts]
    first = candidates.analyse_many(texts)
    assert first == alone
    assert list(candidates._analysed) == texts[:2]  # each once
    assert candidates.analyse(texts[0]) is first[0]  # from the cache, not parsed again
    candidates.analyse("The bank opened in Pavia.")
    # no more than CACHED kept: the one asked least recently is out
    assert list(candidates._analysed) == [texts[0], "The bank opened in Pavia."]


def test_the_rules_pick_is_a_labelled_candidate_even_when_nothing_else_proposes_it():
    spans = {(c.start, c.end): c.labels for c in propose(SENTENCE.text, (4, 12))}
    assert "RULE" in spans[(4, 12)]


def test_features_set_the_asked_type_against_the_spans_kind():
    q = analyse("When was the National Cancer Institute of Milan established?")
    year = next(c for c in propose(SENTENCE.text) if c.text == "1928")
    view = SentenceView((), 0.9, 0.8, True, 0, False)
    f = features(year, view, q.answer_type, wh_word(q.text), frozenset(q.terms), q.focus, None)
    assert f["type=DATE|kind=DATE"] == 1.0 and f["wh=when|kind=DATE"] == 1.0
    assert f["in_question"] == 0.0 and f["year"] == 1.0


def _features(question: str, sentence: str) -> dict[str, dict[str, float]]:
    from cartqa.reading.candidates import analyse as parse

    q = analyse(question)
    view = SentenceView(parse(sentence)[0], 0.9, 0.8, True, 0, False)
    return {c.text: features(c, view, q.answer_type, wh_word(q.text), frozenset(q.terms), q.focus, None,
                             alternatives=q.alternatives) for c in propose(sentence)}


def test_a_closed_questions_choice_is_a_feature_of_the_span_that_says_it():
    f = _features("Did Toscanini record it in 1945 or in 1953?",
                  "In 1945, Toscanini recorded the music in Carnegie Hall.")
    assert f["1945"]["closed"] == 1.0 and f["1945"]["choice"] == 1.0 and f["1945"]["choice_unique"] == 1.0
    assert f["Carnegie Hall"]["choice"] == 0.0
    assert "closed" not in _features("When did Toscanini record it?", "In 1945, Toscanini recorded it.")["1945"]


def test_the_clause_that_says_the_questions_words_holds_the_answer():
    f = _features("When did she become a citizen?",
                  "She became a resident in July 1929, and became a citizen on March 3, 1931.")
    assert f["March 3, 1931"]["clause_terms"] > f["July 1929"]["clause_terms"]
    assert f["March 3, 1931"]["tree_near"] > f["July 1929"]["tree_near"]


def _choose(model: Model, rule=None):
    q = analyse("When was the National Cancer Institute of Milan established?")
    return choose(q, [Ranked(SENTENCE, 0.9, 0.8, True)], rule, model, keep=True)


def test_three_outcomes_follow_the_thresholds():
    likes_dates = {"type=DATE|kind=DATE": 6.0}
    answer = _choose(Model(likes_dates, -3.0, 0.5, 0.5, {"best_candidate": 4.0}, -1.0))
    assert answer.outcome == "answer" and SENTENCE.text[answer.start:answer.end] == "1928"
    unsure = _choose(Model(likes_dates, -3.0, 0.99, 0.5, {"best_candidate": 4.0}, -1.0))
    assert unsure.outcome == "passage" and SENTENCE.text[unsure.start:unsure.end] == "1928"  # still marked
    refused = _choose(Model(likes_dates, -3.0, 0.99, 0.99, {"best_candidate": 4.0}, -1.0))
    assert refused.outcome == "refusal"
    assert all(r.features for r in answer.rows)


def test_the_rules_vote_counts_as_the_weights_say():
    trusts_rules = Model({"rule_exact": 8.0}, -4.0, 0.5, 0.5, {}, 0.0)
    chosen = _choose(trusts_rules, rule=(SENTENCE, 4, 38))
    assert SENTENCE.text[chosen.start:chosen.end] == "National Cancer Institute of Milan"


def test_the_rules_vote_is_told_apart_by_the_rule_that_cast_it():
    q = analyse("When was the National Cancer Institute of Milan established?")
    rows = choose(q, [Ranked(SENTENCE, 0.9, 0.8, True)], (SENTENCE, 4, 38), Model({}, 0.0, 0.5, 0.5, {}, 0.0),
                  keep=True, rule_name="positional").rows
    picked = [r.features for r in rows if (r.candidate.start, r.candidate.end) == (4, 38)]
    others = [r.features for r in rows if (r.candidate.start, r.candidate.end) != (4, 38)]
    assert picked and others
    assert all(f["rule_by=positional"] == 1.0 for f in picked + others)  # the question's: every candidate's
    assert [f["rule_exact|by=positional"] for f in picked] == [1.0]
    assert all(f["rule_exact|by=positional"] == 0.0 for f in others)


def test_the_sentence_model_is_told_the_question_was_read_from_italian():
    q = analyse("When was the National Cancer Institute of Milan established?")
    ranked = [Ranked(SENTENCE, 0.9, 0.8, True)]
    for translated in (False, True):
        rows = choose(q, ranked, None, Model({}, 0.0, 0.5, 0.5, {}, 0.0), keep=True, translated=translated).rows
        leads = [r.sentence_features for r in rows if r.sentence_features is not None]
        assert [f["translated"] for f in leads] == [float(translated)]


def _outcome(answerable: bool, answer: Answer) -> Outcome:
    g = GoldQuestion("q", "When?", "en", answerable, ("1928",) if answerable else (), "", "date")
    return Outcome(g, answer, 0.01, None)


def test_a_passage_is_neither_a_short_answer_nor_a_refusal():
    passage = Answer("No short answer is sure; the closest passage says: ...", False, [], SENTENCE.text,
                     outcome="passage")
    m = metrics([_outcome(True, passage), _outcome(False, passage)])
    assert m["short_answer_acc"] == 0.0 and m["answer_or_sentence_acc"] == 100.0
    assert m["false_refusal_rate"] == 0.0 and m["passage_rate"] == 100.0 and m["refusal_rate"] == 100.0
    assert m["marked_acc"] == 0.0  # it marks no span


def test_a_passages_marked_span_is_counted_right_only_when_it_is_a_right_short_answer():
    def shown(span):
        source = Source("a.txt", SENTENCE.text, 1.0, 0, 66, span)
        return _outcome(True, Answer("No short answer is sure; ...", False, [source], SENTENCE.text,
                                     outcome="passage"))

    at = SENTENCE.text.index("1928")
    m = metrics([shown((at, at + 4)), shown((0, 9)), shown(None)])
    assert m["marked_acc"] == pytest.approx(33.3) and m["answer_or_sentence_acc"] == 100.0


@pytest.fixture(autouse=True)
def few_trees(monkeypatch):
    """Thirty rounds learn the synthetic signal; the committed model's three hundred would cost minutes."""
    monkeypatch.setattr(train, "TREES", {**train.TREES, "max_iter": 30, "min_samples_leaf": 10})
    monkeypatch.setattr(ranker, "SETTINGS", {**ranker.SETTINGS, "n_estimators": 30, "min_child_samples": 10})


def _synthetic(n: int, seed: int = 0) -> list[train.Question]:
    """Questions whose right candidate has feature "good" high; half unanswerable (no right candidate)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        answerable = i % 2 == 0
        rows = []
        for j in range(4):
            right = answerable and j == 0
            good = rng.normal(2.0 if right else 0.0, 0.5)
            rows.append(({"good": float(good)}, float(right), ("d", j), {"coverage": 0.5}, float(right)))
        g = GoldQuestion(f"q{i}", "?", "en", answerable, ("x",) if answerable else (), "", "", f"doc{i % 10}")
        out.append(train.Question(g, f"doc{i % 10}", rows))
    return out


@pytest.mark.parametrize("method", ["lambdarank", "trees", "logistic"])
def test_fitting_learns_the_signal_and_chooses_thresholds_out_of_fold(method):
    model, figures = train.fit(_synthetic(200), method=method, override=False)
    assert (model.forest is not None) == (model.sentence_forest is not None) == (method != "logistic")
    assert (model.calibration is not None) == (method == "lambdarank")
    # the sentence model reads its candidates' probabilities: the sentence of a likely span holds the answer
    likely, unlikely = model.sentence_probabilities(with_candidates([({"coverage": 0.5}, [0.95]),
                                                                     ({"coverage": 0.5}, [0.05])]))
    assert likely > 0.5 > unlikely
    if method == "logistic":
        assert model.weights["good"] > 1.0
    assert model.probability({"good": 2.0}) > 0.5 > model.probability({"good": 0.0})
    counts = figures["out_of_fold"]
    assert counts["right"] > 80 and counts["answered_unanswerable"] < 20
    assert 0.0 < model.answer_threshold < 1.0 and figures["calibration"]
    assert 0.0 < model.rules_passage_threshold < 1.0  # chosen on the questions the rules refused
    assert figures["ranked_first"]["seed"] > 80  # the right candidate comes first out of fold
    assert model.rules_override_threshold == train.NEVER  # asked not to overrule the rules' pick


def test_exported_trees_give_scikit_learns_probabilities():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 3))
    y = (x[:, 0] * x[:, 1] + 0.3 * rng.normal(size=600) > 0).astype(int)  # an interaction: trees, not a line
    clf = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(x, y)
    forest = train.export_forest(clf, ["a", "b", "c"])
    rows = [dict(zip("abc", map(float, r))) for r in x[:50]]
    assert np.allclose(forest.probabilities(rows), clf.predict_proba(x[:50])[:, 1], atol=1e-4)


def test_a_model_with_trees_survives_its_json_file(tmp_path):
    import json

    model, _ = train.fit(_synthetic(120), method="trees")
    back = Model.from_json(json.loads(train._dump(model.to_json())))
    rows = [{"good": 2.0}, {"good": 0.0}, {}]
    assert np.allclose(back.probabilities(rows), model.probabilities(rows), atol=1e-5)
    sentences = with_candidates([({"coverage": 0.5}, [0.9, 0.1]), ({"coverage": 0.5}, [0.05])])
    assert back.sentence_forest is not None
    assert np.allclose(back.sentence_probabilities(sentences), model.sentence_probabilities(sentences), atol=1e-5)


def test_relative_features_compare_a_candidate_with_the_questions_best():
    rows = [{"coverage": 1.0, "similarity": 0.2}, {"coverage": 0.5, "similarity": 0.6}]
    relative(rows)
    assert rows[0]["rel_coverage"] == 0.0 and rows[1]["rel_coverage"] == -0.5
    assert rows[0]["rel_similarity"] == pytest.approx(-0.4) and rows[1]["rel_similarity"] == 0.0


@pytest.mark.parametrize("question,wh", [("how many beds?", "how many"), ("Quando è nato?", "quando"),
                                         ("iris petal length", "none")])
def test_wh_word(question, wh):
    assert wh_word(question) == wh


CLUB = "The gliding club of Lake Vell was started by three pilots. Its hangar holds 14 gliders and a tug."


@pytest.mark.parametrize("learned", [False, True])
def test_by_default_the_rules_answer_and_the_scorer_only_shows_a_passage(learned):
    from cartqa.reading.extractive import extract
    from cartqa.reading.grounding import CorpusView
    from cartqa.records import Chunk, Hit

    chunk = Chunk("club.txt", CLUB, 0, len(CLUB))
    view, hits = CorpusView([chunk]), [Hit(chunk, 1.0, 1)]
    counts_anything = Model({"type=NUMBER|kind=CARDINAL": 6.0}, -3.0, 0.5, 0.3, {"best_candidate": 4.0}, -1.0)
    said = extract("How many gliders does the hangar hold?", hits, view, learned=learned, model=counts_anything)
    assert said.outcome == "answer" and "14" in said.text
    unsaid = extract("How many members does the Lake Vell club have?", hits, view, learned=learned,
                     model=counts_anything)
    # the rules refuse; the scorer's sentence is shown, but only the learned reader dares a short answer
    assert unsaid.outcome == ("answer" if learned else "passage") and unsaid.sentence is not None
    assert unsaid.found == learned
    # either way the likeliest span is marked: the count the scorer trusts, though the rules refused it
    assert unsaid.text == "three" == CLUB[unsaid.start:unsaid.end]


def test_reading_by_the_rules_the_scorer_answers_their_refusals_and_overrides_only_past_its_thresholds():
    from dataclasses import replace

    from cartqa.reading.extractive import extract
    from cartqa.reading.grounding import CorpusView
    from cartqa.records import Chunk, Hit

    chunk = Chunk("club.txt", CLUB, 0, len(CLUB))
    view, hits = CorpusView([chunk]), [Hit(chunk, 1.0, 1)]
    counts = Model({"type=NUMBER|kind=CARDINAL": 6.0}, -3.0, 0.5, 0.3, {"best_candidate": 4.0}, -1.0, 0.3)
    unsaid = "How many members does the Lake Vell club have?"  # the rules refuse
    assert extract(unsaid, hits, view, model=counts).outcome == "passage"
    dares = extract(unsaid, hits, view, model=replace(counts, rules_answer_threshold=0.5))
    assert dares.outcome == "answer" and dares.found and dares.text
    # the rules' pick stands unless the scorer is surer of another candidate than the override threshold
    distrusts_rules = replace(counts, weights={**counts.weights, "rule_exact": -10.0})
    said = "How many gliders does the hangar hold?"
    by_rules = extract(said, hits, view, model=distrusts_rules).text
    assert "14" in by_rules
    overridden = extract(said, hits, view, model=replace(distrusts_rules, rules_override_threshold=0.5))
    assert overridden.found and overridden.text != by_rules


def test_reading_by_the_rules_a_pick_the_scorer_doubts_is_shown_as_its_sentence_with_the_span_marked():
    from dataclasses import replace

    from cartqa.reading.extractive import extract
    from cartqa.reading.grounding import CorpusView
    from cartqa.records import Chunk, Hit

    chunk = Chunk("club.txt", CLUB, 0, len(CLUB))
    view, hits = CorpusView([chunk]), [Hit(chunk, 1.0, 1)]
    said = "How many gliders does the hangar hold?"
    trusts_rules = Model({"rule_exact": 6.0}, -3.0, 0.5, 0.3, {"best_candidate": 4.0}, -1.0, 0.3)
    sure = extract(said, hits, view, model=replace(trusts_rules, rules_doubt_threshold=0.5))
    assert sure.outcome == "answer" and sure.text == "14 gliders"  # the scorer rates the pick at 0.95
    doubted = extract(said, hits, view, model=replace(trusts_rules, rules_doubt_threshold=0.99))
    assert doubted.outcome == "passage" and not doubted.found
    assert doubted.text == sure.text and (doubted.start, doubted.end) == (sure.start, sure.end)
    assert doubted.sentence == sure.sentence and doubted.confidence < 0.99


def _ruled(answerable: bool, rule_right: bool, p_rule: float) -> tuple[train.Question, np.ndarray]:
    """One question the rules answered (row 0 is their pick) and the scorer's probabilities."""
    rows = [({"rule_exact": 1.0}, float(answerable and rule_right), ("d", 0), {}, float(answerable)),
            ({"rule_exact": 0.0}, 0.0, ("d", 0), {}, float(answerable))]
    g = GoldQuestion("q", "?", "en", answerable, ("x",) if answerable else (), "", "", "doc")
    return train.Question(g, "doc", rows), np.array([p_rule, 0.01])


def test_a_corpus_the_rules_serve_well_keeps_its_right_short_answers_whatever_the_others_gain():
    from dataclasses import replace

    # the seed: the rules always right, the scorer unsure of 3 in 20; another corpus: the rules wrong
    # wherever the scorer is unsure, 30 times. Doubting unsure picks pays overall, but would drop the
    # seed's right short answers to 85%.
    seed = [_ruled(True, True, 0.9)] * 17 + [_ruled(True, True, 0.4)] * 3
    other = [(replace(q, gold=replace(q.gold, kind="wiki")), o)
             for q, o in [_ruled(True, True, 0.9)] * 10 + [_ruled(True, False, 0.4)] * 30]
    cases = seed + other
    *_, doubt, figures = train._rules_thresholds([q for q, _ in cases], [o for _, o in cases], [{} for _ in cases])
    assert doubt <= 0.4 and figures["rules_by_kind"]["seed/en"]["right"] == 20
    # without the seed's floor the same trainer doubts them (the other corpus alone)
    *_, doubt, figures = train._rules_thresholds([q for q, _ in other], [o for _, o in other], [{} for _ in other])
    assert doubt > 0.4 and figures["rules_by_kind"]["wiki/en"]["passage_right"] == 30  # shown as their sentences


def test_the_doubt_threshold_turns_unsure_rule_answers_into_passages_only_where_that_pays():
    # the rules are right when the scorer is sure of their pick, wrong or unanswerable when it is not
    cases = [_ruled(True, True, 0.9)] * 20 + [_ruled(True, False, 0.2)] * 10 + [_ruled(False, False, 0.3)] * 10
    questions, oof = [q for q, _ in cases], [o for _, o in cases]
    *_, doubt, figures = train._rules_thresholds(questions, oof, [{} for _ in cases])
    assert 0.3 < doubt <= 0.9
    assert figures["rules_by_kind"]["seed/en"]["right"] == 20
    assert figures["rules_by_kind"]["seed/en"]["passage_right"] == 10  # the sentence holds the answer
    assert figures["rules_by_kind"]["seed/en"]["passage_unanswerable"] == 10
    # when the unsure picks are right too, the rules' answers stand
    right = [_ruled(True, True, 0.9)] * 20 + [_ruled(True, True, 0.2)] * 10
    *_, doubt, _ = train._rules_thresholds([q for q, _ in right], [o for _, o in right], [{} for _ in right])
    assert doubt == 0.0


def test_thresholds_that_answer_too_many_unanswerable_questions_are_ruled_out():
    from dataclasses import replace

    def wiki(case, n):
        q, o = case
        return [(replace(q, gold=replace(q.gold, kind="wiki")), o)] * n

    def cases(answered):
        nothing = train.Question(GoldQuestion("q", "?", "en", False, (), "", "", "doc", "wiki"), "doc", [])
        return (wiki(_ruled(True, True, 0.9), 20) + wiki(_ruled(True, False, 0.9), 5) + wiki(_ruled(True, True, 0.3), 9)
                + wiki(_ruled(True, False, 0.3), 1) + wiki(_ruled(False, False, 0.3), answered)
                + [(nothing, np.array([]))] * (20 - answered))

    def doubt_of(answered):
        both = cases(answered)
        *_, doubt, figures = train._rules_thresholds([q for q, _ in both], [o for _, o in both], [{} for _ in both])
        return doubt, figures["rules_by_kind"]["wiki/en"]

    # Doubting the unsure picks costs more right answers than it saves (value -1.2), but leaves 4 of
    # 20 unanswerable questions answered: 80% refused, under the floor.
    doubt, outcomes = doubt_of(4)
    assert doubt > 0.3 and outcomes["passage_unanswerable"] == 4 and outcomes["answered_unanswerable"] == 0
    # With the floor met (2 of 20 answered: 90% refused) the unsure picks stand.
    doubt, outcomes = doubt_of(2)
    assert doubt <= 0.3 and outcomes["answered_unanswerable"] == 2 and outcomes["right"] == 29


def test_the_seeds_floor_comes_before_the_bound_on_unanswerable_questions():
    from dataclasses import replace

    # Doubting the unsure picks would refuse all the development corpus's unanswerable questions,
    # but drop the seed's right short answers to 85%: the seed's floor wins, and the bound stays broken.
    seed = [_ruled(True, True, 0.9)] * 17 + [_ruled(True, True, 0.4)] * 3
    wiki = [(replace(q, gold=replace(q.gold, kind="wiki")), o)
            for q, o in [_ruled(True, True, 0.9)] * 20 + [_ruled(False, False, 0.4)] * 10]
    cases = seed + wiki
    *_, doubt, figures = train._rules_thresholds([q for q, _ in cases], [o for _, o in cases], [{} for _ in cases])
    assert doubt <= 0.4 and figures["rules_by_kind"]["seed/en"]["right"] == 20
    assert figures["rules_by_kind"]["wiki/en"]["answered_unanswerable"] == 10


@pytest.mark.parametrize("objective", ["lambdarank", "binary"])
def test_exported_lightgbm_trees_give_its_raw_scores(objective):
    import lightgbm

    rng = np.random.default_rng(1)
    x = rng.normal(size=(600, 3))
    x[:, 2] = (x[:, 2] > 0).astype(float)  # a 0/1 feature, as most of the reader's are
    y = (x[:, 0] * x[:, 1] + x[:, 2] + 0.3 * rng.normal(size=600) > 0.5).astype(int)
    settings = {"n_estimators": 30, "num_leaves": 7, "min_child_samples": 5, "verbose": -1}
    if objective == "lambdarank":
        model = lightgbm.LGBMRanker(objective=objective, **settings).fit(x, y, group=[6] * 100)
    else:  # its first tree carries the baseline (the labels' mean log-odds)
        model = lightgbm.LGBMClassifier(objective=objective, **settings).fit(x, y)
    forest = ranker.export_lightgbm(model.booster_, ["a", "b", "c"])
    rows = [dict(zip("abc", map(float, r))) for r in x[:60]]
    got = forest.log_odds(forest.matrix(rows))
    assert np.allclose(got, model.predict(x[:60], raw_score=True), atol=1e-5)
    assert len({round(v, 6) for v in got}) > 10  # the trees do split


def test_a_rankers_scores_are_calibrated_with_its_pointwise_trees_and_survive_the_json_file():
    import json

    model, figures = train.fit(_synthetic(200), method="lambdarank", override=False)
    assert model.pointwise_forest is not None and len(model.calibration) == 5  # bias, two weights per scorer
    worse, better = model.probabilities([{"good": 0.5}, {"good": 2.5}])
    assert better > 0.5 > worse
    back = Model.from_json(json.loads(train._dump(model.to_json())))
    assert back.calibration == pytest.approx(model.calibration)
    assert np.allclose(back.probabilities([{"good": 0.5}, {"good": 2.5}]), [worse, better], atol=1e-6)


def test_the_sentence_model_of_each_fold_reads_every_other_folds_out_of_fold_probabilities(monkeypatch):
    seen = []
    stack = train._sentence_stack

    def spy(questions, idx, oof, s_names):
        seen.append(all(oof[i].any() for i in idx if questions[i].rows))
        return stack(questions, idx, oof, s_names)

    monkeypatch.setattr(train, "_sentence_stack", spy)
    train.fit(_synthetic(100), method="logistic")
    assert len(seen) == train.FOLDS + 1 and all(seen)  # before, the first folds' saw zeros for the later folds


def test_trees_that_send_missing_values_their_own_way_are_refused_not_exported_wrong():
    import lightgbm

    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 2))
    x[::5, 0] = np.nan  # the walker cannot follow NaN's default direction: no such split may pass
    y = (np.nan_to_num(x[:, 0], nan=3.0) > 0.5).astype(int)
    model = lightgbm.LGBMClassifier(n_estimators=5, num_leaves=4, min_child_samples=5, verbose=-1).fit(x, y)
    with pytest.raises(ValueError, match="missing NaN"):
        ranker.export_lightgbm(model.booster_, ["a", "b"])


def test_a_calibration_that_does_not_fit_its_forests_is_refused_on_loading():
    from cartqa.reading.trees import Forest

    forest = Forest(("a",), 0.0, ())
    with pytest.raises(ValueError, match="3 weights for 2 forests"):
        Model({}, 0.0, 0.5, 0.5, forest=forest, calibration=(0.0, 1.0, 0.0), pointwise_forest=forest)
    assert Model({}, 0.0, 0.5, 0.5, forest=forest, calibration=(0.0, 1.0, 0.0)).calibration == (0.0, 1.0, 0.0)
