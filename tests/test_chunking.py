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


@pytest.mark.parametrize("text", [" ".join(["word"] * 50) + ".", "Short. " + "x" * 300 + " tail words here."])
def test_oversized_sentence_is_cut_within_the_limit_without_gaps(text):
    # the embedder would silently drop the end of a chunk past its input limit
    tokens = lambda s: sum(1 + len(w) // 8 for w in s.split())  # noqa: E731 - long words are several tokens
    chunks = chunk_text("d", text, max_tokens=10, overlap=1, count_tokens=tokens)
    assert all(tokens(c.text) <= 10 for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    assert all(b.start <= a.end for a, b in zip(chunks, chunks[1:])), "the text is covered without gaps"


def test_empty_text_has_no_chunks():
    assert chunk_text("d", "", 10, 1, count) == []


@pytest.mark.parametrize("kwargs", [{"max_tokens": 2}, {"overlap_sentences": -1}])
def test_bad_settings_name_the_value(kwargs):
    with pytest.raises(ValueError, match="Currently"):
        ChunkSettings(**kwargs)
