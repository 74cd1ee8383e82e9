"""The chat's HTML, as pure functions: answers in their sentence with a citation, sources
grouped by document with their place and a plain strength, refusals that help, and
untrusted text that stays text."""

from __future__ import annotations

import html
import re

import pytest

from cartqa.app.render import document_html, reply_html, sources_html, transcript_html
from cartqa.records import Answer, Source

SENTENCE = "The National Cancer Institute of Milan (INT), established in 1928, is a center of excellence."
PASSAGE = "Milan has many hospitals. " + SENTENCE + " It has 464 beds."
AT = PASSAGE.index("1928")


def _found(location: str = "p. 4") -> Answer:
    lead = Source("int.pdf", PASSAGE, 0.9, 100, 100 + len(PASSAGE), (AT, AT + 4), SENTENCE, location)
    other = Source("ieo.md", "The IEO treats breast cancer.", 0.02, 0, 29, location="")
    same = Source("int.pdf", "INT coordinates many trials.", 0.015, 300, 328, location="Research")
    return Answer("1928", True, [lead, other, same], sentence=SENTENCE)


def _refusal() -> Answer:
    return Answer("The documents don't say.", False,
                  [Source("int.pdf", PASSAGE, 0.03, location="p. 4"), Source("ieo.md", "The IEO treats cancer.", 0.01)])


def test_answer_is_its_sentence_with_the_answer_marked_and_a_citation():
    page = reply_html(_found(), "When was INT established?", turn=3)
    answer_line = re.search(r'<p class="answer">(.*?)</p>', page).group(1)
    assert "established in <mark><strong>1928</strong></mark>, is a center" in answer_line
    cite = re.search(r'<a class="cite" href="#(t3-s1)"[^>]*>\[1\]</a>', answer_line)
    assert cite, answer_line
    assert f'id="{cite.group(1)}"' in page  # the marker points at source 1


def test_sources_are_grouped_by_document_with_place_and_plain_strength():
    page = sources_html(_found(), turn=1, n=3)
    docs = re.findall(r'<h4 class="doc-name">(.*?)</h4>', page)
    assert docs == ["int.pdf", "ieo.md"]  # int.pdf once, though it has two passages
    int_section = page[page.index("int.pdf"):page.index("ieo.md")]
    assert "[1] p. 4 · has the answer" in int_section and "[3] Research · " in int_section
    assert "relevance" not in page and "0.9" not in page and "0.02" not in page
    assert re.search(r"\[2\] (closely related|related|loosely related)<", page)


def test_a_source_without_a_place_shows_none():
    page = sources_html(_found(location=""), turn=1)
    assert "[1] has the answer" in page


def test_each_source_can_open_its_document_at_the_passage():
    page = sources_html(_found(), turn=1)
    button = re.search(r'<button type="button" class="open-doc" data-doc="int.pdf" data-start="100" '
                       r'data-end="(\d+)" data-mark-start="(\d+)" data-mark-end="(\d+)"', page)
    assert button and int(button.group(2)) == 100 + AT and int(button.group(3)) == 100 + AT + 4


def test_refusal_names_the_question_as_asked_opens_the_passages_and_suggests():
    page = reply_html(_refusal(), "Who is the mayor of Milan?", turn=2, suggestions=["When was INT established?"])
    assert "“Who is the mayor of Milan?”" in page
    assert '<details class="sources" open>' in page
    assert '<button type="button" class="suggest" data-q="When was INT established?">' in page
    icon = re.search(r'<p class="answer refusal">(<svg.*?</svg>)', page)
    assert icon and 'aria-hidden="true"' in icon.group(1)  # drawn, not a glyph a font may lack
    assert not re.search(r"[\U0001F000-\U0001FFFF]", page)  # no emoji


def test_answer_that_is_the_whole_sentence_reads_as_the_passage():
    s = "INT coordinates trials."
    a = Answer(s, True, [Source("a.txt", s, 1.0, span=(0, len(s)), sentence=s)], sentence=s)
    page = reply_html(a, "What does INT do?", turn=1)
    assert '<p class="answer passage-only"><span class="label">The documents say:</span> INT coordinates trials.' in page
    assert "<mark>" not in page.split("<details")[0]


PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src="http://planted.invalid/x.png" onerror="window.__pwned=2">',
    '<a href="javascript:window.__pwned=3">click</a>',
    "[the council](http://planted.invalid/link)",
    "![logo](http://planted.invalid/logo.png)",
    '<iframe src="http://planted.invalid/frame"></iframe>',
    '" onmouseover="window.__pwned=4" x="',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_untrusted_text_stays_text(payload):
    text = f"INT was founded in 1928. {payload} More text."
    at = text.index("1928")
    a = Answer("1928", True, [Source(payload + ".txt", text, 1.0, span=(at, at + 4), sentence=text,
                                     location=payload)], sentence=text)
    page = transcript_html([(payload + " When?", reply_html(a, payload, turn=1))])
    page += document_html(payload, text, (0, len(text)), (at, at + 4))
    for live in ("<script", "<img", "<iframe", "<a href=\"javascript", "<a href=\"http", "onerror=\"", "onmouseover=\""):
        assert live not in page
    assert html.escape(payload) in page  # shown, as text


def test_document_view_marks_the_passage_and_the_answer_in_it():
    text = "First part. INT was founded in 1928. Last part."
    a, b = text.index("INT"), text.index("Last") - 1
    page = document_html("d.txt", text, (a, b), (text.index("1928"), text.index("1928") + 4))
    assert '<mark id="viewer-here" tabindex="-1">INT was founded in <strong>1928</strong>.</mark>' in page


def test_transcript_of_nothing_is_the_intro():
    assert "Ask" in transcript_html([], "Ask a question")
    assert transcript_html([]) == ""


def test_a_passage_answer_marks_its_likeliest_span_and_offers_no_suggestions():
    found = _found()
    passage = Answer("No short answer is sure; the closest passage says: ...", False, found.sources,
                     sentence=SENTENCE, outcome="passage")
    page = reply_html(passage, "When was INT founded?", turn=1, suggestions=["What is INT?"])
    assert "closest passage says" in page and "<mark><strong>1928</strong></mark>" in page
    assert "What is INT?" not in page and "refused" not in page.split(">", 1)[0]
    assert 'href="#t1-s1"' in page


def test_a_passage_cut_from_a_long_sentence_says_where_it_was_cut():
    lead = _found().sources[0]
    window = SENTENCE[SENTENCE.index("Milan"):SENTENCE.index(", is")]  # "Milan (INT), established in 1928"
    passage = Answer("No short answer is sure; the closest passage says: …", False, [lead], sentence=window,
                     outcome="passage")
    line = re.search(r'<p class="answer passage-only">(.*?)</p>', reply_html(passage, "When?", turn=1)).group(1)
    assert "</span> …Milan (INT), established in <mark><strong>1928</strong></mark>… " in line
    whole = Answer("…", False, [lead], sentence=SENTENCE, outcome="passage")
    line = re.search(r'<p class="answer passage-only">(.*?)</p>', reply_html(whole, "When?", turn=1)).group(1)
    assert "…" not in line
