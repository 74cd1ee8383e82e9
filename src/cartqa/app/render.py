"""Markdown for chat replies: the answer, then collapsible sources with the span marked.

>>> from cartqa.records import Answer, Source
>>> a = Answer("1928", True, [Source("d.txt", "INT, established in 1928, ...", 0.9, span=(20, 24))])
>>> print(reply_markdown(a).splitlines()[0])
**1928**
"""

from __future__ import annotations

import html

from cartqa.records import Answer, Source


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


def marked_passage(source: Source, limit: int = 420) -> str:
    """The passage as HTML-escaped text with the answer span in ``<mark>``."""
    text = source.text
    lo, hi = passage_window(text, source.span, limit)
    if source.span:
        a, b = source.span
        body = (html.escape(text[lo:a], quote=False) + "<mark>" + html.escape(text[a:b], quote=False) + "</mark>"
                + html.escape(text[b:hi], quote=False))
    else:
        body = html.escape(text[lo:hi], quote=False)
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")


def sources_markdown(answer: Answer, n: int = 3) -> str:
    """A collapsible "Sources" block (open by default for a refusal's closest passages)."""
    if not answer.sources:
        return ""
    title = "Sources" if answer.found else "Closest passages looked at"
    items = []
    for i, s in enumerate(answer.sources[:n], start=1):
        passage = marked_passage(s).replace("\n", " ")
        items.append(f"{i}. **{html.escape(s.doc, quote=False)}** · relevance {s.score:.2f}<br>\n<blockquote>{passage}</blockquote>")
    return f"<details><summary>{title} ({min(n, len(answer.sources))})</summary>\n\n" + "\n".join(items) + "\n</details>"


def answer_markdown(answer: Answer) -> str:
    """The answer line: bold when found, a plain refusal otherwise."""
    if answer.found:
        return f"**{html.escape(answer.text, quote=False)}**"
    return f"🔍 {html.escape(answer.text, quote=False)}"


def reply_markdown(answer: Answer, n: int = 3) -> str:
    """Answer, supporting sentence, then sources."""
    parts = [answer_markdown(answer)]
    if answer.found and answer.sentence:
        parts.append(f"<small>From: “{html.escape(answer.sentence, quote=False)}”</small>")
    parts.append(sources_markdown(answer, n))
    return "\n\n".join(p for p in parts if p)
