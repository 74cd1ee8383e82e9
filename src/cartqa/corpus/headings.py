"""Headings of a document's normalised text: its title, and the heading each stretch sits under.

A sentence under "Linnerrud dataset" ("Number of Instances: 20") is about the Linnerrud dataset
without naming it; :class:`cartqa.reading.grounding.CorpusView` counts a heading's words among
what each sentence under it carries.

A heading is a paragraph of its own that reads as a label, not a sentence: at most ten words,
opening with a capital letter or a figure, without closing punctuation. An underline of ``---`` or
``===`` (reStructuredText, Setext Markdown), which normalisation joins to the line above, is not
part of it. The title is the first heading when nothing but markup (``.. _label:``) comes before it.

>>> text = ".. _iris:\\n\\nIris plants dataset ------\\n\\n:Number of Instances: 150\\n\\nHistory\\n\\nFisher wrote it."
>>> h = Headings.of(text)
>>> h.title
'Iris plants dataset'
>>> h.over(text.index("Fisher")), h.over(text.index(":Number"))
(('Iris plants dataset', 'History'), ('Iris plants dataset',))
>>> Headings.of("It rained.\\n\\nHistory\\n\\nFisher wrote it.").over(30)
('History',)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from cartqa.corpus.tabular import CELL

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]*)*")
_UNDERLINE = re.compile(r"\s+([-=~^*#+`'\"_])\1{2,}\s*$")
_MARKDOWN_HASHES = re.compile(r"^#{1,6}\s+")
_MAX_WORDS = 10
# "Source URL: https://..." is a field and its value, not a heading.
_FIELD = re.compile(r"\w:\s")
# Before a title only markup may come: a paragraph this short ("``.. _iris:``") is not text.
_MARKUP_WORDS = 3


@dataclass(frozen=True)
class Headings:
    """A document's title ("" when it has none) and its headings, by offset in its text."""

    title: str
    starts: tuple[int, ...]
    texts: tuple[str, ...]

    @staticmethod
    def of(text: str) -> Headings:
        """The headings of a normalised text (paragraphs split by blank lines)."""
        starts: list[int] = []
        texts: list[str] = []
        title = ""
        text_seen = False
        for m in _PARAGRAPH.finditer(text):
            label = heading(m.group())
            if label is not None:
                if not starts and not text_seen:
                    title = label
                starts.append(m.start())
                texts.append(label)
            elif len(m.group().split()) > _MARKUP_WORDS:
                text_seen = True
        return Headings(title, tuple(starts), tuple(texts))

    def over(self, offset: int) -> tuple[str, ...]:
        """The title and the nearest heading at or before ``offset``, once each, title first."""
        i = bisect.bisect_right(self.starts, offset) - 1
        nearest = self.texts[i] if i >= 0 else ""
        return tuple(h for h in dict.fromkeys((self.title, nearest)) if h)


def heading(paragraph: str) -> str | None:
    """The label a paragraph is, or None for a paragraph of text.

    >>> heading("Linnerrud dataset -----------------"), heading("## Mental health"), heading("1 Introduction")
    ('Linnerrud dataset', 'Mental health', '1 Introduction')
    >>> heading("It consists of three variables."), heading(":Number of Instances: 20"), heading("Source URL: http://x")
    (None, None, None)
    >>> heading("Samples total | 581012") is None  # a table's row
    True
    """
    label = _MARKDOWN_HASHES.sub("", _UNDERLINE.sub("", " ".join(paragraph.split())))
    if (not label or not (label[0].isupper() or label[0].isdigit()) or label[-1] in ".!?,;:"
            or _FIELD.search(label) or CELL in label):  # a table's row (cartqa.corpus.tabular) is not a label
        return None
    n = len(label.split())
    return label if n <= _MAX_WORDS and any(c.isalpha() for c in label) else None
