"""A bulleted list written as text keeps its items apart: each on a line of its own, without its bullet.

Normalisation joins the lines of a paragraph, which read a list's items as one run of words:
"Attribute Information: - sepal length in cm - sepal width in cm - class: - Iris-Setosa". Where two
or more lines of a paragraph start with the same bullet (``-``, ``*``, ``+``, ``•``; a list nested
in it may use another), each bulleted line keeps its line break (marked with :data:`ITEM`, which
normalisation turns back into one) and loses its bullet, so the enumeration reader
(:mod:`cartqa.corpus.enumerations`) cuts the items where the writer did. A line that starts with a
dash in prose ("- and so it was") is not a list.

>>> marked = bullets_kept("Attributes:\\n  - sepal length\\n  - sepal width\\n\\nThen\\n- once")
>>> marked.replace(ITEM, "|")
'Attributes:\\n|sepal length\\n|sepal width\\n\\nThen\\n- once'
"""

from __future__ import annotations

import re

from cartqa.corpus.tabular import BLOCK

ITEM = "\ue000"  # a private-use character, not white space; normalize makes any in the input a space first
_BULLET = re.compile(r"[ \t]*([-*+•])[ \t]+(?=\S)")


def items_apart(text: str) -> str:
    """Normalised ``text`` with each :data:`ITEM` a line break (none where it starts a paragraph).

    >>> items_apart(f"{ITEM}Items: {ITEM}one {ITEM}two\\n\\n{ITEM}three")
    'Items:\\none\\ntwo\\n\\nthree'
    """
    text = re.sub(rf"(^|\n\n){ITEM}", r"\1", text)
    return re.sub(rf" *{ITEM} *", "\n", text)


def bullets_kept(text: str) -> str:
    """``text`` with each bulleted line of a list (two or more lines, one bullet) starting at an :data:`ITEM`."""
    def rewrite(m: re.Match) -> str:
        lines = m.group().split("\n")
        marks = [_BULLET.match(line) for line in lines]
        bullets = [b.group(1) for b in marks if b]
        if not bullets or max(map(bullets.count, bullets)) < 2:  # one dash at a line's start is prose
            return m.group()
        out = [ITEM + line[b.end():] if b else line for line, b in zip(lines, marks)]
        return "\n".join(out)

    return BLOCK.sub(rewrite, text)
