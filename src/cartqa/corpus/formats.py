"""File formats: the bytes of one file in, its text in located parts out.

Each reader is a pure function of the file's bytes. It gives :class:`Part` s, each
with where it sits in the document, for citations: the page of a PDF (``"p. 4"``),
the nearest heading of a Word, web or Markdown document, the first line of a
plain-text paragraph (``"line 12"``). Nothing here fetches, runs or renders
what a document contains: links keep their words, images and comments vanish,
scripts and styles are dropped.

>>> [(p.text, p.location) for p in extract(b"INT.\\n\\nIt has 464 beds.", ".txt", "a.txt").parts]
[('INT.', 'line 1'), ('It has 464 beds.', 'line 3')]
>>> [(p.text, p.location) for p in extract(b"# Beds\\n\\n14</b> [gliders](http://x) ![logo](http://y)", ".md", "a.md").parts]
[('Beds\\n\\n14 gliders', 'Beds')]
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from cartqa.corpus.tabular import labelled, row
from cartqa.errors import CorpusError


@dataclass(frozen=True)
class Part:
    """A piece of a document's raw text and where it is: ``"p. 4"``, a heading, ``"line 12"``."""

    text: str
    location: str


@dataclass(frozen=True)
class Extracted:
    """A document's parts, in order.

    ``flowing``: the parts are paragraphs of one running text (plain text), so a
    chunk may run on from one to the next; otherwise each part (a page, a section
    under a heading) is chunked on its own and a chunk never straddles two.
    """

    parts: tuple[Part, ...]
    flowing: bool = False


# A byte-order mark names its encoding; UTF-32's marks begin with UTF-16's, so they come first.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, name: str) -> str:
    """Text of a file: the encoding its byte-order mark names, else UTF-8, else Windows-1252.

    >>> decode("città".encode("utf-16"), "a.txt")
    'città'
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    try:
        text = data.decode(encoding) if encoding else _utf8_or_cp1252(data)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{name}: not {encoding or 'UTF-8 or Windows-1252'} text ({exc.reason})") from exc
    if "\x00" in text:
        raise CorpusError(f"{name}: looks like a binary file, not text")
    return text


def _utf8_or_cp1252(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def text_parts(text: str) -> Extracted:
    """Plain text: one part per paragraph (blank-line separated), located by its first line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = [Part(m.group(), f"line {text.count(chr(10), 0, m.start()) + 1}")
             for m in re.finditer(r"\S(?:.|\n(?![^\S\n]*\n))*", text)]
    return Extracted(tuple(parts), flowing=True)


def markdown_parts(text: str) -> Extracted:
    """Markdown, rendered by markdown-it and read back as HTML: only the words remain.

    YAML front matter (``---`` lines around ``title: ...``, as static-site generators write) is
    metadata, not text: markdown-it would read it as a heading.
    """
    from markdown_it import MarkdownIt

    text = _FRONT_MATTER.sub("", text, count=1)
    return html_parts(MarkdownIt("commonmark").enable("table").render(text))


_FRONT_MATTER = re.compile(r"\A\ufeff?---[^\S\n]*\n.*?\n(?:---|\.\.\.)[^\S\n]*(?:\n|\Z)", re.S)


# Elements whose content is never document text: code, media, forms, page furniture.
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "img",
         "video", "audio", "picture", "head", "nav", "footer", "form", "button", "select", "textarea", "input")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Elements that end a paragraph, and those that end only a line (joined by a space later, as in text files).
_BLOCKS = frozenset("p div section article main header aside blockquote pre table ul ol dl figure figcaption "
                    "address details summary hr body html".split()) | frozenset(_HEADINGS)
_LINES = frozenset("li dt dd br caption".split())
# A table's row is a paragraph of its own and its cells are kept apart (cartqa.corpus.tabular.row):
# run together, "<tr><td>INT</td><td>464</td></tr>" read "INT464", and a table one sentence.
_CELLS = frozenset(("td", "th"))
# Where a paragraph, a line or a cell ends, marked by characters no text keeps (normalize makes them
# spaces anyway), so white space between tags ("</li>\n<li>") does not add breaks of its own.
_PARA, _LINE, _CELL = "\x1e", "\x1f", "\x1d"
_MARKS = re.compile("[\x1d\x1e\x1f]")


def html_parts(html: str | bytes) -> Extracted:
    """A web page: its visible text in sections under their headings, with nothing live left.

    >>> page = "<h1>Beds</h1><p>INT has <b>464</b> beds.<script>x()</script><!-- secret --></p>"
    >>> [(p.text, p.location) for p in html_parts(page).parts]
    [('Beds\\n\\nINT has 464 beds.', 'Beds')]
    """
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROP):
        tag.decompose()
    for table in soup("table"):
        _name_cells(table, NavigableString)
    sections: list[tuple[str, list[str]]] = [("", [])]

    def walk(node, pre: bool, cell: bool) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                # Its subclasses (comments, doctypes, CDATA, processing instructions) are markup, not text.
                if type(child) is NavigableString:
                    text = _MARKS.sub(" ", str(child))
                    sections[-1][1].append(text if pre and not cell else re.sub(r"\s+", " ", text))
                continue
            name = child.name
            if name in _HEADINGS and not cell:
                heading = " ".join(child.get_text(" ").split())
                if heading:
                    sections.append((heading, [heading, _PARA]))
                continue
            brk = _PARA if name in _BLOCKS or name == "tr" else _LINE if name in _LINES else ""
            # Inside a cell everything stays in its row: paragraphs, headings, a table nested in it.
            brk = " " if cell and (brk or name in _HEADINGS) else brk
            sections[-1][1].append(brk)
            walk(child, pre or name == "pre", cell or name in _CELLS)
            sections[-1][1].append((" " if cell else _CELL) if name in _CELLS else brk)

    walk(soup, False, False)
    parts = (Part(_tidy("".join(pieces)), location) for location, pieces in sections)
    return Extracted(tuple(p for p in parts if p.text))


def _name_cells(table, text_node) -> None:
    """Each cell of a table's body starts with its column's name from the header row (all ``th``), as
    :func:`cartqa.corpus.tabular.labelled` names a text table's: "INT | Beds: 464". Not where a cell
    spans rows: which column a later cell is in is then a guess."""
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    cells = [r.find_all(_CELLS, recursive=False) for r in rows]
    if not cells or not cells[0] or any(c.name != "th" for c in cells[0]) \
            or any(c.get("rowspan", "1") != "1" for row_cells in cells for c in row_cells):
        return
    names = [" ".join(c.get_text(" ").split()) for c in cells[0] for _ in range(_span(c))]
    for row_cells in cells[1:]:
        if all(c.name == "th" for c in row_cells):  # another header row
            continue
        starts = [sum(_span(c) for c in row_cells[:i]) for i in range(len(row_cells))]  # each cell's column
        texts = [c.get_text() for c in row_cells]
        named = labelled([names[c] if c < len(names) else "" for c in starts], texts)
        for cell, text, label in zip(row_cells, texts, named):
            if label != text:
                cell.insert(0, text_node(label[:len(label) - len(text)]))


def _span(cell) -> int:
    try:
        return max(1, int(cell.get("colspan", "1")))
    except ValueError:
        return 1


def _tidy(text: str) -> str:
    """Paragraph and line marks, with the white space around them, become one blank line or one line
    break; the cells of a paragraph (a table's row) are joined as :func:`cartqa.corpus.tabular.row` joins them."""
    text = re.sub(rf"\s*{_PARA}[\s{_PARA}{_LINE}]*", "\n\n", text)
    text = re.sub(rf"[^\S\n]*{_LINE}\s*", "\n", text).strip()
    return "\n\n".join(row(p.split(_CELL)) if _CELL in p else p for p in text.split("\n\n"))


def docx_parts(data: bytes, name: str) -> Extracted:
    """A Word document's paragraphs and tables, in order, in sections under their headings."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises zip, XML and key errors alike on a damaged file
        raise CorpusError(f"{name}: not a readable Word file ({_reason(exc)})") from exc
    sections: list[tuple[str, list[str]]] = [("", [])]
    for block in blocks:
        if isinstance(block, Table):
            grid = [list(r.cells) for r in block.rows]  # by the table's grid: a merged cell in each column it covers
            heads = next((n for n, r in enumerate(block.rows) if not _repeated_header(r)), len(grid))
            header = [" ".join(dict.fromkeys(c.text.strip() for c in column)) for column in zip(*grid[:heads])]
            rows = (row(_unique(labelled(header, [c.text.strip() for c in cells]) if n >= heads else
                                [c.text.strip() for c in cells], cells)) for n, cells in enumerate(grid))
            sections[-1][1].append("\n\n".join(r for r in rows if r))  # one paragraph a row: cartqa.corpus.tabular
            continue
        text = block.text.strip()
        style = (block.style.name if block.style is not None else "") or ""
        if text and (style.startswith("Heading") or style == "Title"):
            sections.append((" ".join(text.split()), [text]))
        elif text:
            sections[-1][1].append(text)
    parts = (Part("\n\n".join(p for p in pieces if p), location) for location, pieces in sections)
    return Extracted(tuple(p for p in parts if p.text))


def _repeated_header(table_row) -> bool:
    """Is this Word table row marked as the header ("repeat as header row at the top of each page")?"""
    from docx.oxml.ns import qn

    properties = table_row._tr.trPr
    mark = properties.find(qn("w:tblHeader")) if properties is not None else None
    return mark is not None and mark.get(qn("w:val"), "true").lower() not in ("0", "false", "off")


def _unique(texts: list[str], cells: list) -> list[str]:
    """A merged cell is every grid cell it covers (python-docx gives the same cell again): keep its text
    once. Two cells that only say the same ("12", "12") are both kept."""
    out: list[str] = []
    for n, (text, cell) in enumerate(zip(texts, cells)):
        if not n or cell._tc is not cells[n - 1]._tc:
            out.append(text)
    return out


def pdf_parts(data: bytes, name: str) -> Extracted:
    """A PDF's text layer, one part per page (``"p. 1"``, ``"p. 2"`` ...).

    A PDF with a password, with no text layer (a scan) or that cannot be parsed
    raises :class:`CorpusError` naming the file and the reason.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    # pypdf logs each defect it works around; the file is reported once, by name, if it cannot be read.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        # Owner-password-only PDFs open with an empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(f"{name}: the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except CorpusError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise CorpusError(f"{name}: the PDF is encrypted and cannot be read ({_reason(exc)})") from exc
    except (PdfReadError, Exception) as exc:  # a damaged file fails anywhere in pypdf's parser
        raise CorpusError(f"{name}: a broken PDF ({_reason(exc)})") from exc
    parts = tuple(Part(text.strip(), f"p. {n}") for n, text in enumerate(pages, 1) if text.strip())
    if not parts:
        raise CorpusError(f"{name}: the PDF has no text layer (a scanned image?); run OCR on it first")
    return Extracted(parts)


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__


_READERS: dict[str, Callable[[bytes, str], Extracted]] = {
    ".txt": lambda data, name: text_parts(decode(data, name)),
    ".md": lambda data, name: markdown_parts(decode(data, name)),
    ".markdown": lambda data, name: markdown_parts(decode(data, name)),
    ".html": lambda data, name: html_parts(data),
    ".htm": lambda data, name: html_parts(data),
    ".docx": docx_parts,
    ".pdf": pdf_parts,
}
SUPPORTED_SUFFIXES = tuple(_READERS)


def extract(data: bytes, suffix: str, name: str) -> Extracted:
    """The located parts of a file's ``data``, read by its ``suffix``; :class:`CorpusError` names ``name``."""
    reader = _READERS.get(suffix.lower())
    if reader is None:
        raise CorpusError(f"{name}: unsupported file type {suffix or '(none)'}")
    return reader(data, name)
