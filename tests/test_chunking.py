import pytest

from cartqa.corpus.chunking import ChunkSettings, chunk_text

count = lambda s: len(s.split())  # noqa: E731


def test_chunks_are_whole_sentences_with_offsets():
    text = "One two three. Four five six. Seven eight nine. Ten eleven twelve."
    chunks = chunk_text("d", text, max_tokens=6, overlap=1, count_tokens=count)
    assert [c.text for c in chunks] == ["One two three. Four five six.", "Four five six. Seven eight nine.",
                                        "Seven eight nine. Ten eleven twelve."]
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.doc == "d"


def test_overlap_never_repeats_a_chunk_tail_alone():
    text = "Short one. " + " ".join(["long"] * 20) + ". End here."
    chunks = chunk_text("d", text, max_tokens=8, overlap=1, count_tokens=count)
    ends = [c.end for c in chunks]
    assert ends == sorted(set(ends)), "each chunk must add a new sentence"
    assert chunks[-1].text.endswith("End here.")


def test_oversized_sentence_becomes_its_own_chunk():
    text = " ".join(["word"] * 50) + "."
    assert len(chunk_text("d", text, max_tokens=10, overlap=1, count_tokens=count)) == 1


def test_empty_text_has_no_chunks():
    assert chunk_text("d", "", 10, 1, count) == []


@pytest.mark.parametrize("kwargs", [{"max_tokens": 2}, {"overlap_sentences": -1}])
def test_bad_settings_name_the_value(kwargs):
    with pytest.raises(ValueError, match="Currently"):
        ChunkSettings(**kwargs)
