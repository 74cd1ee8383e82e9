"""HTML for the chat: the answer in its sentence with a citation, sources grouped by
document, a refusal that helps. Pure functions over :class:`~cartqa.records.Answer`.

Everything that comes from a document or a question is escaped here and nowhere
rendered as Markdown, so it stays text: no link, image or tag from a document ever
reaches the page as live HTML.

>>> from cartqa.records import Answer, Source
>>> s = "INT, established in 1928, is a hospital."
>>> a = Answer("1928", True, [Source("d.txt", s, 0.9, span=(20, 24), sentence=s, location="p. 2")], sentence=s)
>>> html_ = reply_html(a, "When was INT established?", turn=1)
>>> "<mark><strong>1928</strong></mark>" in html_, 'href="#t1-s1"' in html_, "p. 2" in html_
(True, True, True)
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from cartqa.reading.window import cut_marks
from cartqa.records import Answer, Source

# An inline icon: a glyph may be missing from the reader's fonts (an emoji is, in Debian's Chromium).
ICON_INFO = ('<svg class="icon" aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 20 20">'
             '<circle cx="10" cy="10" r="8.5" fill="none" stroke="currentColor" stroke-width="1.6"/>'
             '<rect x="9.1" y="8.5" width="1.8" height="6" rx=".9" fill="currentColor"/>'
             '<circle cx="10" cy="5.9" r="1.1" fill="currentColor"/></svg>')
PASSAGE_ONLY_SHARE = 0.5  # an answer of half its sentence or more reads better as the sentence itself


def esc(text: str) -> str:
    """Text as HTML text, quotes included (it may sit in an attribute).

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(text, quote=True)


def marked(text: str, span: tuple[int, int] | None, tag: str = "mark") -> str:
    """``text`` escaped, with ``span`` wrapped in ``<tag>``.

    >>> marked("a <b> c", (2, 5))
    'a <mark><strong>&lt;b&gt;</strong></mark> c'
    """
    if not span or not (0 <= span[0] < span[1] <= len(text)):
        return esc(text)
    a, b = span
    inner = f"<strong>{esc(text[a:b])}</strong>" if tag == "mark" else esc(text[a:b])
    return f"{esc(text[:a])}<{tag}>{inner}</{tag}>{esc(text[b:])}"


def passage_window(text: str, span: tuple[int, int] | None, limit: int = 420) -> tuple[int, int]:
    """About ``limit`` characters of ``text`` around ``span``, cut between words.

    >>> text = "one two three four five six"
    >>> lo, hi = passage_window(text, (8, 13), limit=12)
    >>> text[lo:hi]
    'two three'
    """
    a, b = span or (0, 0)
    lo = max(0, min(a - limit // 2, len(text) - limit))
    hi = min(len(text), max(lo + limit, b))
    if lo > 0:  # start after a space so the passage does not open mid-word
        cut = text.find(" ", lo, a)
        lo = cut + 1 if cut != -1 else lo
    if hi < len(text):
        cut = text.rfind(" ", b, hi)
        hi = cut if cut != -1 else hi
    return lo, hi


def passage_html(source: Source, limit: int = 420) -> str:
    """The passage around the answer, escaped, the answer marked; ``…`` where it was cut."""
    text = source.text
    lo, hi = passage_window(text, source.span, limit)
    span = (source.span[0] - lo, source.span[1] - lo) if source.span else None
    body = marked(text[lo:hi], span).replace("\n", " ")
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")


def sentence_span(answer: Answer) -> tuple[int, int] | None:
    """Where the short answer sits in ``answer.sentence``, if it is a part of it."""
    sentence, lead = answer.sentence, answer.sources[0] if answer.sources else None
    if not sentence:
        return None
    if lead and lead.span:
        at = lead.text.find(sentence)
        if at != -1 and at <= lead.span[0] and lead.span[1] <= at + len(sentence):
            return lead.span[0] - at, lead.span[1] - at
    at = sentence.find(answer.text)
    return (at, at + len(answer.text)) if at != -1 and answer.text else None


def sentence_span_of_lead(answer: Answer) -> tuple[int, int] | None:
    """The marked span of the first source, within ``answer.sentence``."""
    lead = answer.sources[0] if answer.sources else None
    if not (lead and lead.span and answer.sentence):
        return None
    at = lead.text.find(answer.sentence)
    if at != -1 and at <= lead.span[0] and lead.span[1] <= at + len(answer.sentence):
        return lead.span[0] - at, lead.span[1] - at
    return None


def strengths(answer: Answer, sources: Sequence[Source]) -> list[str]:
    """Plain words for how close each passage is, instead of a fused score no reader can weigh."""
    words = []
    rest = [s.score for i, s in enumerate(sources) if not (answer.found and i == 0)]
    top = max(rest, default=0.0) or 1.0
    for i, s in enumerate(sources):
        if answer.found and i == 0:
            words.append("has the answer")
            continue
        share = s.score / top
        words.append("closest match" if share >= 0.999 and not answer.found else
                     "closely related" if share >= 0.75 else "related" if share >= 0.4 else "loosely related")
    return words


def _grouped(sources: Sequence[Source]) -> list[tuple[str, list[tuple[int, Source]]]]:
    """Passages grouped by document, documents in order of their best passage; numbers kept."""
    groups: dict[str, list[tuple[int, Source]]] = {}
    for n, s in enumerate(sources, start=1):
        groups.setdefault(s.doc, []).append((n, s))
    return list(groups.items())


def sources_html(answer: Answer, turn: int, n: int = 3) -> str:
    """A ``<details>`` of passages grouped by document, each with its place, strength, the
    answer marked and a button that opens the whole document there."""
    shown = answer.sources[:max(1, n)]
    if not shown:
        return ""
    words = strengths(answer, shown)
    docs = _grouped(shown)
    parts = []
    for doc, items in docs:
        rows = []
        for num, s in items:
            where = f"{esc(s.location)} · " if s.location else ""
            mark = (s.start + s.span[0], s.start + s.span[1]) if s.span else (s.start, s.start)
            rows.append(
                f'<li id="t{turn}-s{num}" tabindex="-1" value="{num}">'
                f'<p class="meta">[{num}] {where}{words[num - 1]}</p>'
                f'<blockquote class="passage">{passage_html(s)}</blockquote>'
                f'<button type="button" class="open-doc" data-doc="{esc(s.doc)}" data-start="{s.start}" '
                f'data-end="{s.end}" data-mark-start="{mark[0]}" data-mark-end="{mark[1]}" '
                f'aria-label="Open {esc(s.doc)} at passage {num}">Open in the document</button></li>')
        parts.append(f'<section class="doc"><h4 class="doc-name">{esc(doc)}</h4><ol>{"".join(rows)}</ol></section>')
    title = "Sources" if answer.found else "Closest passages in the documents"
    count = f"{len(shown)} passage{'s' * (len(shown) != 1)}, {len(docs)} document{'s' * (len(docs) != 1)}"
    opened = "" if answer.found else " open"
    return (f'<details class="sources"{opened}><summary>{title} ({count})</summary>'
            + "".join(parts) + "</details>")


def _cite(turn: int, num: int = 1) -> str:
    return f'<sup><a class="cite" href="#t{turn}-s{num}" aria-label="Source {num}">[{num}]</a></sup>'


def answer_html(answer: Answer, question: str, turn: int) -> str:
    """The answer line: the sentence with the answer marked and a citation, the sentence alone
    when the answer is all of it (passage-only), or a refusal naming the question as asked."""
    if answer.outcome == "passage":  # no short answer is sure: the sentence that answers, its likeliest span marked
        span = sentence_span_of_lead(answer)
        cite = _cite(turn) if answer.sources else ""
        # a long sentence comes as a window of it (cartqa.reading.window): say where it was cut
        whole = answer.sources[0].sentence if answer.sources else ""
        at = whole.find(answer.sentence) if whole and answer.sentence else -1
        before, after = cut_marks(whole, at, at + len(answer.sentence)) if at >= 0 else ("", "")
        return (f'<p class="answer passage-only"><span class="label">Not sure of a short answer; the closest passage '
                f'says:</span> {before}{marked(answer.sentence, span)}{after} {cite}</p>')
    if not answer.found:
        return (f'<p class="answer refusal">{ICON_INFO}<span>The documents don\'t answer '
                f'“{esc(question.strip())}”</span></p>')
    cite = _cite(turn) if answer.sources else ""
    span = sentence_span(answer)
    sentence = answer.sentence
    if sentence and span and (span[1] - span[0]) < PASSAGE_ONLY_SHARE * len(sentence.strip()):
        return f'<p class="answer">{marked(sentence, span)} {cite}</p>'
    if sentence and (span or answer.text.strip() in ("", sentence.strip())):
        return f'<p class="answer passage-only"><span class="label">The documents say:</span> {esc(sentence)} {cite}</p>'
    if sentence:  # a written answer (generative mode): the answer, then the sentence that grounds it
        return (f'<p class="answer"><strong>{esc(answer.text)}</strong> {cite}</p>'
                f'<p class="context">From: “{esc(sentence)}”</p>')
    return f'<p class="answer"><strong>{esc(answer.text)}</strong> {cite}</p>'


def suggestions_html(questions: Sequence[str]) -> str:
    """Buttons that ask a question the documents can answer."""
    if not questions:
        return '<p class="hint">The closest passages are below; try asking about something they mention.</p>'
    items = "".join(f'<li><button type="button" class="suggest" data-q="{esc(q)}">{esc(q)}</button></li>'
                    for q in questions)
    return f'<p class="hint">The documents can answer, for example:</p><ul class="suggestions">{items}</ul>'


def reply_html(answer: Answer, question: str, turn: int, n: int = 3, suggestions: Sequence[str] = ()) -> str:
    """The whole reply: answer line, suggestions (refusals only), then the sources."""
    parts = [answer_html(answer, question, turn)]
    if answer.outcome == "refusal":
        parts.append(suggestions_html(suggestions))
    parts.append(sources_html(answer, turn, n))
    return f'<div class="reply{" refused" if answer.outcome == "refusal" else ""}">' + "".join(parts) + "</div>"


def message_html(text: str) -> str:
    """A plain message from the app (an error, a prompt), escaped."""
    return f'<div class="reply note"><p>{esc(text)}</p></div>'


def transcript_html(turns: Sequence[tuple[str, str]], intro: str = "") -> str:
    """The conversation: each question as asked (escaped) and its reply (already HTML)."""
    if not turns:
        return f'<div class="empty"><p>{esc(intro)}</p></div>' if intro else ""
    items = []
    for question, reply in turns:
        items.append(f'<div class="turn user" data-role="user"><p class="who">You asked</p>'
                     f'<p class="q">{esc(question)}</p></div>'
                     f'<div class="turn bot" data-role="bot"><p class="who">cartqa</p>{reply}</div>')
    return '<div class="turns">' + "".join(items) + "</div>"


def document_html(doc: str, text: str, passage: tuple[int, int], answer: tuple[int, int] | None = None,
                  limit: int = 300_000) -> str:
    """The whole document (or ``limit`` characters around the passage of a bigger one), the
    passage marked and focusable so the viewer can scroll to it.

    >>> document_html("a.txt", "one two three", (4, 7))
    '<h3 class="viewer-title">a.txt</h3><div class="doc-text">one <mark id="viewer-here" tabindex="-1">two</mark> three</div>'
    """
    a, b = max(0, min(passage[0], len(text))), max(0, min(passage[1], len(text)))
    lo, hi = 0, len(text)
    if len(text) > limit:
        lo = max(0, a - limit // 2)
        hi = min(len(text), lo + limit)
    inner = text[a:b]
    if answer and a <= answer[0] < answer[1] <= b:
        inner = marked(inner, (answer[0] - a, answer[1] - a), tag="strong")
    else:
        inner = esc(inner)
    body = (("…" if lo else "") + esc(text[lo:a]) + f'<mark id="viewer-here" tabindex="-1">{inner}</mark>'
            + esc(text[b:hi]) + ("…" if hi < len(text) else ""))
    return f'<h3 class="viewer-title">{esc(doc)}</h3><div class="doc-text">{body}</div>'
