"""Lines that are fields ("Creator: R.A. Fisher") keep their line breaks: each field a paragraph.

Normalisation joins the lines of a paragraph (a single line break is layout in prose), which ran
a dataset's description into one sentence: ":Missing Attribute Values: None :Class Distribution:
33.3% for each of 3 classes. :Creator: R.A. Fisher :Donor: Michael Marshall :Date: July, 1988",
where a reader cannot tell whose value "July, 1988" is. Records written a field a line (reStructuredText
field lists, a report's "Date: ..." header, an e-mail's "From:" and "Subject:") are told by two or
more lines of a paragraph that start with a short name and a colon (reStructuredText's ":Name:", or a
capitalised name on at least half of the paragraph's lines). Each such line starts a paragraph
of its own; a line that is not a field (an indented list under ":Attribute Information:", a value
wrapped onto the next line) stays with the field above it, and lines before the first field stay
together. One line with a colon in prose is not a record.

>>> print(fields_kept(":Creator: R.A. Fisher\\n:Date: July,\\n  1988\\n\\nIt was: fine."))
:Creator: R.A. Fisher
<BLANKLINE>
:Date: July,
  1988
<BLANKLINE>
It was: fine.
"""

from __future__ import annotations

import re

from cartqa.corpus.tabular import BLOCK

# A field's line: reStructuredText's ":Name:" (its value may be on the lines under it), or a name of at
# most six words that starts with a capital and holds no sentence punctuation, a colon and its value;
# "10:30", "http://" and a wrapped prose line ("the following: a training set") are not fields.
_RST_FIELD = re.compile(r"[ \t]*:(?=[A-Za-z])[^:\n]{1,60}:(?:[ \t]|$)")
_FIELD = re.compile(r"[ \t]*[A-Z][^\s:,;.!?]*(?:[ \t][^\s:,;.!?]+){0,5}:[ \t]+\S")


def is_field(line: str) -> bool:
    """Does ``line`` start with a field's name?

    >>> is_field(":Creator: R.A. Fisher"), is_field("Date: July, 1988"), is_field(":Attribute Information:")
    (True, True, True)
    >>> [is_field(line) for line in ("At 10:30 we met", "see https://x.org", "the second: a test set", "Date:")]
    [False, False, False, False]
    """
    return bool(_RST_FIELD.match(line) or _FIELD.match(line))


def fields_kept(text: str) -> str:
    """``text`` with each paragraph of two or more field lines cut into a paragraph per field."""
    def rewrite(m: re.Match) -> str:
        block = m.group()
        end = "\n" if block.endswith("\n") else ""
        lines = block.rstrip("\n").split("\n")
        starts = [n for n, line in enumerate(lines) if is_field(line)]
        # Two capitalised "Name: ..." lines in wrapped prose happen; where most lines are such, or
        # reStructuredText marks them, they are a record.
        if len(starts) < 2 or (2 * len(starts) < len(lines)
                               and not all(_RST_FIELD.match(lines[n]) for n in starts)):
            return block
        cuts = ([0] if starts[0] else []) + starts + [len(lines)]
        return "\n\n".join("\n".join(lines[a:b]) for a, b in zip(cuts, cuts[1:])) + end

    return BLOCK.sub(rewrite, text)
