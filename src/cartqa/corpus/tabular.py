"""Tables written as text keep their rows: each row a paragraph of its own, its cells joined by " | ".

Normalisation joins the lines of a paragraph (a single line break is layout in prose), which made
a whole table one sentence: "Classes 7 Samples total 581012 Dimensionality 54 Features int", where
no reader can tell which figure goes with which label. A table is told by its rules:

- a simple table (reStructuredText's, and plain-text tables drawn alike) by a line of two or more
  runs of ``=`` or ``-``; its columns are where the runs are, so a one-space gap between columns
  and a cell holding two spaces are both read right, and a line whose first column is blank
  continues the row above;
- a grid table by ``+----+----+``; the lines between two rules are one row, cell by cell;
- a Markdown pipe table by ``|---|---|`` under its header row; its cells are cut at ``|``.

The table runs from its first rule (a pipe table from its header) to its last rule (a pipe table
while its lines hold a ``|``); lines of the same paragraph outside that stay prose. Its rules are
dropped, and each row becomes a paragraph of its own. Where the table marks its header (the rows
above a simple table's second ``=`` rule of three or more, a pipe table's first row, a grid table's rows
above its ``+====+`` rule), each later row says its cells' column names ("INT | Beds: 464"): a row
alone, as a reader meets it, does not say which figure is which. A heading's underline (one run) does not make
a table, nor do double spaces in prose. Word and web tables are written the same way by their
readers (:mod:`cartqa.corpus.formats`), as :func:`row` joins them.

>>> print(rows_kept("Data:\\n\\n=============  ======\\nClasses        7\\nSamples total  581012\\n"
...                 "=============  ======\\n\\nEnd."))
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
_SIMPLE_RULE = re.compile(r"[ \t]*(?:={2,}|-{3,})(?:[ \t]+(?:={2,}|-{3,}))+[ \t]*")  # ====  ====  (or ----  ----)
_GRID_RULE = re.compile(r"[ \t]*\+(?:[=-]+\+){2,}[ \t]*")  # +----+----+
_PIPE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*")  # |----|:---:|
_RUN = re.compile(r"[=-]+")
# Lines with text, up to a blank line (a paragraph, as fields and bullets read it too); anchored at a
# line's start, so a long run of white space is passed over once, not tried again from each of its characters.
BLOCK = re.compile(r"^(?:[^\n]*\S[^\n]*(?:\n|$))+", re.M)


def is_rule(line: str) -> bool:
    """Is ``line`` a table's rule (a border, or the line under its header)?

    >>> is_rule("=====  ====="), is_rule("|---|:---:|"), is_rule("+----+----+"), is_rule("Title"), is_rule("=====")
    (True, True, True, False, False)
    """
    return any(r.fullmatch(line) for r in (_SIMPLE_RULE, _GRID_RULE, _PIPE_RULE))


def row(cells: Iterable[str]) -> str:
    """A table row as text: its non-empty cells, each on one line, joined by :data:`CELL`.

    >>> row(["INT", " 464 ", "", "Milan"])
    'INT | 464 | Milan'
    """
    return CELL.join(" ".join(c.split()) for c in cells if c.strip())


def labelled(header: list[str], cells: list[str]) -> list[str]:
    """A row's cells, each after the first with its column's name from ``header``, where both say something.

    >>> labelled(["Hospital", "Beds", "", "Founded:"], ["INT", "464", "x", "1928"])
    ['INT', 'Beds: 464', 'x', 'Founded: 1928']
    """
    names = [" ".join(h.split()).rstrip(":") for h in header]
    return [f"{names[i]}: {c}" if i and i < len(names) and names[i] and c.strip() else c for i, c in enumerate(cells)]


def rows_kept(text: str) -> str:
    """``text`` with each table (see the module) written row by row, its rules dropped."""
    def rewrite(m: re.Match) -> str:
        block = m.group()
        end = "\n" if block.endswith("\n") else ""
        lines = block.rstrip("\n").split("\n")
        found = _table(lines)
        if found is None:
            return block
        first, last, rows, heads = found
        header = [" ".join(c).strip() for c in zip(*rows[:heads])] if heads else []
        rows = rows[:heads] + [labelled(header, cells) for cells in rows[heads:]] if header else rows
        paragraphs = ["\n".join(lines[:first])] if first else []
        paragraphs += [r for r in (row(cells) for cells in rows) if r]
        paragraphs += ["\n".join(lines[last + 1:])] if last + 1 < len(lines) else []
        return "\n\n".join(paragraphs) + end

    return BLOCK.sub(rewrite, text)


def _table(lines: list[str]) -> tuple[int, int, list[list[str]], int] | None:
    """Where the table in a paragraph's ``lines`` starts and ends (line numbers), its rows' cells
    and how many of them are its header; None when the paragraph has no table."""
    rules = [n for n, line in enumerate(lines) if is_rule(line)]
    if not rules:
        return None
    if _PIPE_RULE.fullmatch(lines[rules[0]]) and "|" in lines[rules[0]]:
        first = max(0, rules[0] - 1)  # the header row above the rule
        last = rules[0]
        while last + 1 < len(lines) and "|" in lines[last + 1]:
            last += 1
        rows = [_split(line, None) for line in lines[first:last + 1] if not is_rule(line)]
        return first, last, rows, int(first < rules[0])
    first, last = rules[0], rules[-1]
    if last == first:  # one rule and nothing it rules: a table only goes on to the paragraph's end
        last = len(lines) - 1
    if _GRID_RULE.fullmatch(lines[first]):
        rows = _grid_rows(lines[first:last + 1])
        under = next((n for n in rules if "=" in lines[n] and first < n < last), None)  # +====+ under the header
        heads = len(_grid_rows(lines[first:under + 1])) if under is not None else 0
        return first, last, rows, heads
    starts = [m.start() for m in _RUN.finditer(lines[first])]
    rows: list[list[str]] = []
    heads = 0
    for n, line in enumerate(lines[first:last + 1], first):
        if is_rule(line):
            # reStructuredText's header: the rows above the second rule of three or more, all of "="
            # (a plain table may rule off a totals line with "-": its rows are not a header)
            if n == (rules[1] if len(rules) > 2 and all("-" not in lines[r] for r in rules[:2]) else -1):
                heads = len(rows)
            continue
        cells = _split(line, starts)
        if rows and not cells[0] and any(cells) and n - 1 not in rules:  # a blank first column continues the row
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    return first, last, rows, heads


def _split(line: str, starts: list[int] | None) -> list[str]:
    """A line's cells: at the columns that start at ``starts``, else at ``|``.

    >>> _split("INT 464   Milan", [0, 4, 10]), _split("Features  real, between", [0, 12]), _split("| INT | 464 |", None)
    (['INT', '464', 'Milan'], ['Features', 'real, between'], ['INT', '464'])
    """
    if starts is None:
        parts = line.strip().strip("|").split("|")
        return [p.strip() for p in parts]
    cuts = [starts[0]]
    for s in starts[1:]:
        # a cell that runs past its column's start is cut at the white space before it, not in a word
        while cuts[-1] < s < len(line) and not line[s - 1].isspace() and not line[s].isspace():
            s -= 1
        cuts.append(s)
    return [line[a:b].strip() for a, b in zip(cuts, [*cuts[1:], None])]


def _grid_rows(lines: list[str]) -> list[list[str]]:
    """A grid table's rows: the lines between two rules, each cell's pieces joined."""
    rows: list[list[str]] = []
    pieces: list[list[str]] = []
    for line in [*lines, "+"]:
        if is_rule(line) or line == "+":
            if pieces:
                width = max(map(len, pieces))
                rows.append([" ".join(p[i] for p in pieces if i < len(p) and p[i]) for i in range(width)])
            pieces = []
        else:
            pieces.append(_split(line, None))
    return rows
