"""Tables written as text keep their rows: each row a paragraph of its own, its cells joined by " | ".

Normalisation joins the lines of a paragraph (a single line break is layout in prose), which made
a whole table one sentence: "Classes 7 Samples total 581012 Dimensionality 54 Features int", where
no reader can tell which figure goes with which label. A table is told by its rules: a line of
``=`` or ``-`` runs across two or more columns (reStructuredText's simple tables, plain-text
tables), ``+---+---+`` (grid tables) or ``|---|---|`` (Markdown's pipe tables). Its rules are
dropped, its other lines become rows, and a row's cells are the stretches between ``|`` or between
runs of two or more spaces. A heading's underline (one run) does not make a table, nor do double
spaces in prose. Word and web tables are written the same way by their loaders
(:mod:`cartqa.corpus.formats`), as :func:`row` joins them.

>>> print(rows_kept("Data:\\n\\n=======  ======\\nClasses       7\\nSamples total  581012\\n=======  ======\\n\\nEnd."))
Data:
<BLANKLINE>
Classes | 7
<BLANKLINE>
Samples total | 581012
<BLANKLINE>
End.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CELL = " | "
_RULES = (
    re.compile(r"[ \t]*(?:={3,}|-{3,})(?:[ \t]+(?:={3,}|-{3,}))+[ \t]*"),  # ====  ====  (or ----  ----)
    re.compile(r"[ \t]*\+(?:[=-]+\+){2,}[ \t]*"),  # +----+----+
    re.compile(r"[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*"),  # |----|:---:|
)
_BLOCK = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")  # lines with text, up to a blank line
_GAP = re.compile(r"[ \t]{2,}|\t")


def is_rule(line: str) -> bool:
    """Is ``line`` a table's rule (a border or the line under its header)?

    >>> is_rule("=====  ====="), is_rule("|---|:---:|"), is_rule("+----+----+"), is_rule("Title"), is_rule("=====")
    (True, True, True, False, False)
    """
    return any(r.fullmatch(line) for r in _RULES)


def row(cells: Iterable[str]) -> str:
    """A table row as text: its non-empty cells, each on one line, joined by :data:`CELL`.

    >>> row(["INT", " 464 ", "", "Milan"])
    'INT | 464 | Milan'
    """
    return CELL.join(" ".join(c.split()) for c in cells if c.strip())


def cells(line: str) -> list[str]:
    """A text table's line cut into cells: at ``|`` when it has one, else at runs of two or more spaces.

    >>> cells("| INT | 464 |"), cells("Samples total      581012")
    (['INT', '464'], ['Samples total', '581012'])
    """
    parts = line.split("|") if "|" in line else _GAP.split(line)
    return [p.strip() for p in parts if p.strip()]


def rows_kept(text: str) -> str:
    """``text`` with each table (a block of lines with a rule, see the module) written row by row."""
    def rewrite(m: re.Match) -> str:
        block = m.group()
        lines = block.rstrip("\n").split("\n")
        if len(lines) < 2 or not any(is_rule(line) for line in lines):
            return block
        rows = [row(cells(line)) for line in lines if not is_rule(line)]
        return "\n\n".join(r for r in rows if r) + ("\n" if block.endswith("\n") else "")

    return _BLOCK.sub(rewrite, text)
