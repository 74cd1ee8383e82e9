"""Enumerations inside a sentence: their items, what announces them, and each item read with it.

Pure text functions, used by the build (which embeds every item's reading with the sentences,
so a question never waits for one) and by the reader (cartqa.reading.lists).

>>> s = 'cell factories: "A" - ASST Monza, "B" of X in Bergamo\\nIRCCS Y in Pavia\\nIRCCS Z in Milano and Besta in Milano'
>>> [s[a:b] for a, b in list_items(s)]
['"A" - ASST Monza', '"B" of X in Bergamo', 'IRCCS Y in Pavia', 'IRCCS Z in Milano', 'Besta in Milano']
"""

from __future__ import annotations

import re

from cartqa.corpus.text import words


def list_items(sentence: str) -> list[tuple[int, int]]:
    """Items of an enumeration: split at commas, semicolons, line breaks and a final "and".

    Text before a colon is the list's head, not an item.
    """
    start = sentence.index(":") + 1 if ":" in sentence else 0
    cuts = [start]
    for m in re.finditer(r",\s+|;\s*|\n|\s+and\s+(?=[A-Z\"])", sentence[start:]):
        cuts.extend([start + m.start(), start + m.end()])
    cuts.append(len(sentence))
    items = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        while a < b and sentence[a].isspace():
            a += 1
        while b > a and sentence[b - 1] in " .":
            b -= 1
        if b > a:
            items.append((a, b))
    return items


def is_enumeration(text: str, items: list[tuple[int, int]]) -> bool:
    """A list rather than a sentence with commas: introduced by a colon or line breaks, or short items."""
    if ":" in text or "\n" in text:
        return True
    lengths = sorted(len(words(text[a:b])) for a, b in items)
    return lengths[len(lengths) // 2] <= 4


def lead_in(text: str, items: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """What announces a list, and the list's members: the text before a colon, or a clause leading
    into the list ("... in every field and phase of research, preclinical, epidemiological, ...").

    >>> text = "The Institute has programs in every field and phase of research, preclinical, public health and clinical."
    >>> lead, members = lead_in(text, list_items(text))
    >>> lead, [text[a:b] for a, b in members]
    ('The Institute has programs in every field and phase of research', ['preclinical', 'public health and clinical'])
    """
    if ":" in text:
        return list_head(text), items
    if len(items) >= 3 and len(words(text[items[0][0]:items[0][1]])) > 6:
        return text[items[0][0]:items[0][1]], items[1:]
    return "", []


def list_readings(text: str) -> list[str]:
    """Each member of an enumeration with what announces it, as a sentence of its own: a question about one
    member is nearer in meaning to that than to the whole long list.

    >>> list_readings("The factories are: A in Pavia, B in Bergamo and C in Monza.")
    ['The factories are: A in Pavia', 'The factories are: B in Bergamo', 'The factories are: C in Monza']
    >>> list_readings("INT has 464 beds.")
    []
    """
    return [reading for reading, _ in reading_spans(text)]


def reading_spans(text: str) -> list[tuple[str, tuple[tuple[int, int], tuple[int, int]]]]:
    """:func:`list_readings`, each with where its two parts are in ``text``: what announces the
    list, and the member (a build reads a reading's vector off those tokens: cartqa.index.late).

    >>> text = "The factories are: A in Pavia, B in Bergamo."
    >>> [(r, [text[a:b] for a, b in spans]) for r, spans in reading_spans(text)]
    [('The factories are: A in Pavia', ['The factories are', 'A in Pavia']), ('The factories are: B in Bergamo', ['The factories are', 'B in Bergamo'])]
    """
    items = list_items(text)
    if len(items) < 2:
        return []
    # What announces the list first: most sentences have none, and it is cheaper to tell than
    # is_enumeration (a build asks of every corpus sentence: 2.1 s of a changed file's 8 s at 1,000 documents).
    lead, members = lead_in(text, items)
    if not lead or not members or not is_enumeration(text, items):
        return []
    head = (0, len(list_head(text).rstrip())) if ":" in text else (items[0][0], items[0][0] + len(lead.rstrip()))
    out = []
    for a, b in members:
        member = text[a:b].strip()
        start = a + text[a:b].index(member) if member else a
        out.append((f"{lead.rstrip()}: {member}", (head, (start, start + len(member)))))
    return out


def list_head(text: str) -> str:
    return text.split(":", 1)[0] if ":" in text else ""
