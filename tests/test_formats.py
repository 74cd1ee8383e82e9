"""Document formats on real files the tests write: PDF (fpdf2, encrypted with pypdf), Word
(python-docx), web pages, Markdown and text in several encodings; then a mixed folder indexed
in one command and answered from a PDF page, on the hash fake embedder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cartqa.app.cli import main
from cartqa.corpus.formats import decode, docx_parts, extract, html_parts, markdown_parts, pdf_parts, text_parts
from cartqa.errors import CorpusError
from cartqa.index.build import build_index
from cartqa.index.store import load_stored, read_manifest
from cartqa.pipeline.qa import answer

PAGES = ("The Lombardy Gliding Club was founded in 1931 on the shore of the lake.",
         "The club owns 14 gliders and two tow planes.",
         "Members fly from March to October, weather permitting.")


def make_pdf(pages: tuple[str, ...] = PAGES) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
        else:
            pdf.rect(20, 20, 80, 40)  # a drawing, no text: as a scanned page has none
    return bytes(pdf.output())


def encrypt(data: bytes, user: str, owner: str = "owner") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user, owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Fleet", level=1)
    document.add_paragraph("The club keeps its gliders in a hangar near Varese.")
    document.add_heading("Training", level=2)
    document.add_paragraph("A pilot licence takes about 45 flights.")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Course", (0, 1): "Price", (1, 0): "Licence", (1, 1): "2400 euros"}.items():
        table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PAGE = """<!doctype html><html><head><title>Club</title><style>p { color: red }</style>
<script>fetch("http://evil.example/steal")</script></head>
<body><nav>Home | Contact</nav>
<h1>The hangar</h1><p>The hangar was built in <b>1962</b> by
   <a href="javascript:alert(1)">volunteers</a>.<img src="http://evil.example/px.png" onerror="alert(2)"></p>
<!-- internal note: the password is swordfish -->
<h2>Opening hours</h2><ul><li>Saturday</li><li>Sunday</li></ul>
<script>alert(3)</script><footer>Copyright</footer></body></html>"""


# --- each format alone -------------------------------------------------------------------------

def test_pdf_gives_one_part_per_page():
    parts = pdf_parts(make_pdf(), "club.pdf").parts
    assert [p.location for p in parts] == ["p. 1", "p. 2", "p. 3"]
    assert "14 gliders" in parts[1].text and "1931" in parts[0].text


def test_pdf_with_an_owner_password_only_is_read():
    assert len(pdf_parts(encrypt(make_pdf(), user=""), "owned.pdf").parts) == 3


@pytest.mark.parametrize("data, reason", [
    (lambda: encrypt(make_pdf(), user="secret"), "password-protected"),
    (lambda: make_pdf(("", "")), "no text layer"),
    (lambda: make_pdf()[:400], "broken PDF"),
    (lambda: b"this is not a PDF at all", "broken PDF"),
], ids=["password", "no-text", "truncated", "not-a-pdf"])
def test_unreadable_pdf_is_named_with_the_reason(data, reason):
    with pytest.raises(CorpusError, match=rf"^bad\.pdf: .*{reason}"):
        pdf_parts(data(), "bad.pdf")


def test_docx_sections_sit_under_their_headings():
    parts = docx_parts(make_docx(), "club.docx").parts
    assert [p.location for p in parts] == ["Fleet", "Training"]
    assert "hangar near Varese" in parts[0].text
    assert "45 flights" in parts[1].text and "\n\nLicence | 2400 euros" in parts[1].text  # a row, its cells apart


def test_a_web_or_markdown_tables_rows_are_paragraphs_and_its_cells_stay_apart():
    """Run together, a table was one sentence ("Hospital Beds INT 464 IEO 300") and its cells one word
    ("INT464"): no reader could tell which figure goes with which name."""
    page = ("<p>Beds:</p><table><tr><th>Hospital</th><th>Beds</th></tr><tr><td>INT</td><td>464</td></tr>"
            "<tr><td><p>IEO</p><p>Milan</p></td><td> </td><td>300</td></tr></table><p>End.</p>")
    # a cell is named by its column's header; a third column has none
    assert html_parts(page).parts[0].text == "Beds:\n\nHospital | Beds\n\nINT | Beds: 464\n\nIEO Milan | 300\n\nEnd."
    nested = ("<table><tr><td><h4>INT</h4><p>Milan</p></td><td>464</td></tr><tr><td><pre>IEO\n\nMilan</pre></td>"
              "<td><table><tr><td>300</td><td>beds</td></tr></table></td></tr></table>")
    assert html_parts(nested).parts[0].text == "INT Milan | 464\n\nIEO Milan | 300 beds"  # all in its row
    markdown = "Beds:\n\n| Hospital | Beds |\n|---|---:|\n| INT | 464 |\n| IEO | 300 |\n"
    assert markdown_parts(markdown).parts[0].text == "Beds:\n\nHospital | Beds\n\nINT | Beds: 464\n\nIEO | Beds: 300"
    spans = ("<table><tr><th>Hospital</th><th colspan='2'>Beds and city</th><th>Founded</th></tr>"
             "<tr><td>INT</td><td>464</td><td>Milan</td><td>1928</td></tr></table>"
             "<table><tr><th>Hospital</th><th>Beds</th></tr><tr><td rowspan='2'>INT</td><td>464</td></tr>"
             "<tr><td>300</td></tr></table>")  # a cell over two rows: the next row's columns are a guess
    assert html_parts(spans).parts[0].text == ("Hospital | Beds and city | Founded\n\n"
                                               "INT | Beds and city: 464 | Beds and city: Milan | Founded: 1928\n\n"
                                               "Hospital | Beds\n\nINT | 464\n\n300")


def test_a_word_tables_header_row_names_the_cells_below_it():
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for marked in ("true", None, "0"):
        table = document.add_table(rows=2, cols=2)
        for (r, c), text in {(0, 0): "Course", (0, 1): "Price", (1, 0): "Licence", (1, 1): "2400 euros"}.items():
            table.cell(r, c).text = text
        if marked:  # "repeat as header row" (or its mark switched off)
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), marked)
            table.rows[0]._tr.get_or_add_trPr().append(mark)
    # merged cells, and two cells that say the same: each value under its own column
    table = document.add_table(rows=2, cols=4)
    for (r, c), text in {(0, 0): "Hospital", (0, 1): "Beds and wards", (0, 3): "Founded", (1, 0): "INT",
                         (1, 1): "12", (1, 2): "12", (1, 3): "1928"}.items():
        table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    out = io.BytesIO()
    document.save(out)
    text = docx_parts(out.getvalue(), "prices.docx").parts[0].text
    assert text.split("\n\n") == ["Course | Price", "Licence | Price: 2400 euros",  # marked as the header
                                  "Course | Price", "Licence | 2400 euros", "Course | Price", "Licence | 2400 euros",
                                  "Hospital | Beds and wards | Founded",
                                  "INT | Beds and wards: 12 | Beds and wards: 12 | Founded: 1928"]


def test_broken_docx_is_named():
    with pytest.raises(CorpusError, match=r"^bad\.docx: not a readable Word file"):
        docx_parts(b"PK\x03\x04 not really a zip", "bad.docx")


def test_html_keeps_words_and_drops_everything_live():
    parts = html_parts(PAGE.encode()).parts
    assert [p.location for p in parts] == ["The hangar", "Opening hours"]
    text = "\n".join(p.text for p in parts)
    assert "The hangar was built in 1962 by volunteers." in text
    for gone in ("evil.example", "alert", "javascript", "swordfish", "color", "Home | Contact", "Copyright",
                 "<", ">"):
        assert gone not in text


@pytest.mark.parametrize("markdown, kept, gone", [
    ("See [the city council](https://evil.example/x) today.", "See the city council today.", "evil.example"),
    ("![logo](http://evil.example/logo.png)The club.", "The club.", "logo"),
    ("The club has 14</b> gliders.", "The club has 14 gliders.", "</b>"),
    ("The club <!-- secret swordfish --> has gliders.", "has gliders", "swordfish"),
    ("<script>alert(1)</script>\n\nThe club.", "The club.", "alert"),
    ("Reference-style [council][c].\n\n[c]: https://evil.example/", "Reference-style council.", "evil.example"),
    ("**Bold** and `code` and <https://evil.example/auto>.", "Bold and code and", "<"),
])
def test_markdown_keeps_only_its_words(markdown, kept, gone):
    text = "\n".join(p.text for p in markdown_parts(markdown).parts)
    assert kept in " ".join(text.split()) and gone not in text


def test_markdown_front_matter_is_not_text():
    parts = markdown_parts("---\ntitle: Club\nlayout: page\n---\n# Fleet\n\nFourteen gliders.\n").parts
    assert [(p.location, p.text) for p in parts] == [("Fleet", "Fleet\n\nFourteen gliders.")]
    assert markdown_parts("Intro.\n\n---\n\nAfter a rule.").parts[0].text == "Intro.\n\nAfter a rule."


def test_markdown_sections_are_located_by_heading():
    parts = markdown_parts("Intro line.\n\n# Fleet\n\nFourteen gliders.\n\n## Fees\n\n- one\n- two\n").parts
    assert [(p.location, p.text) for p in parts] == [("", "Intro line."), ("Fleet", "Fleet\n\nFourteen gliders."),
                                                     ("Fees", "Fees\n\none\ntwo")]


def test_text_paragraphs_are_located_by_line():
    parts = text_parts("First paragraph\nstill first.\n\n\nSecond.\r\n\r\nThird.").parts
    assert [(p.text, p.location) for p in parts] == [("First paragraph\nstill first.", "line 1"),
                                                     ("Second.", "line 5"), ("Third.", "line 7")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_marked_by_a_byte_order_mark_is_read(encoding):
    text = "Città di Pavia: 14 alianti."
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # these codecs write no mark: add it, as Notepad does
        data = ("\ufeff" + text).encode(encoding)
    assert decode(data, "a.txt") == text


def test_binary_and_unknown_types_are_refused_by_name():
    with pytest.raises(CorpusError, match="^a.txt: looks like a binary file"):
        decode(b"GIF89a\x00\x01", "a.txt")
    with pytest.raises(CorpusError, match=r"^sheet\.xlsx: unsupported file type \.xlsx"):
        extract(b"PK", ".xlsx", "sheet.xlsx")


# --- a mixed folder, indexed in one command ----------------------------------------------------

@pytest.fixture
def mixed(tmp_path: Path, monkeypatch) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "history.txt").write_text("The club was renamed in 1975.\n\nIts first president was Aldo Rossi.",
                                        encoding="utf-16")
    (corpus / "notes.md").write_text("# Notes\n\nThe winch was bought in 1988 with help from "
                                     "[the city council](https://evil.example/). It pulls 3</b> gliders."
                                     "<!-- the alarm code is swordfish -->\n", encoding="utf-8")
    (corpus / "club.pdf").write_bytes(make_pdf())
    (corpus / "fleet.docx").write_bytes(make_docx())
    (corpus / "hangar.html").write_text(PAGE, encoding="utf-8")
    (corpus / "locked.pdf").write_bytes(encrypt(make_pdf(), user="secret"))
    (corpus / "scan.pdf").write_bytes(make_pdf(("", "")))
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 damaged")
    (corpus / "budget.xlsx").write_bytes(b"PK\x03\x04")
    (corpus / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    return corpus


def test_a_mixed_folder_indexes_in_one_build(mixed, tmp_path):
    report = build_index(mixed, tmp_path / "index", embedder="hash", progress=False)
    assert report.added == 8  # the five readable ones and the three unreadable ones, remembered with their error
    reasons = dict(line.split(": ", 1) for line in report.skipped)
    assert set(reasons) == {"locked.pdf", "scan.pdf", "broken.docx", "budget.xlsx", "logo.png"}
    assert "password" in reasons["locked.pdf"] and "no text layer" in reasons["scan.pdf"]
    assert "Word file" in reasons["broken.docx"] and "unsupported" in reasons["budget.xlsx"]
    chunks = load_stored(tmp_path / "index", read_manifest(tmp_path / "index")).chunks
    where = {(c.doc, c.location) for c in chunks}
    assert {("club.pdf", "p. 1"), ("club.pdf", "p. 2"), ("club.pdf", "p. 3"), ("fleet.docx", "Fleet"),
            ("fleet.docx", "Training"), ("hangar.html", "The hangar"), ("notes.md", "Notes"),
            ("history.txt", "line 1")} <= where
    assert all(c.location not in c.text for c in chunks if c.location.startswith(("p. ", "line ")))
    assert not any("evil.example" in c.text or "swordfish" in c.text or "<" in c.text for c in chunks)
    assert any("It pulls 3 gliders." in c.text for c in chunks)
    # Reported again on the next build, though nothing changed
    assert set(build_index(mixed, tmp_path / "index", embedder="hash").skipped) == set(report.skipped)


def test_an_answer_from_a_pdf_cites_its_page(mixed, tmp_path):
    a = answer("How many gliders does the club own?", mixed, tmp_path / "index", embedder="hash")
    assert a.found and a.text.startswith("14")
    assert (a.sources[0].doc, a.sources[0].location) == ("club.pdf", "p. 2")


def test_a_utf16_text_file_is_answered(mixed, tmp_path):
    a = answer("When was the club renamed?", mixed, tmp_path / "index", embedder="hash")
    assert a.found and a.text == "1975" and a.sources[0].location == "line 1"


def test_cartqa_index_lists_skipped_files_with_reasons(mixed, tmp_path, capsys):
    assert main(["index", "--corpus", str(mixed), "--index", str(tmp_path / "index")]) == 0
    out = capsys.readouterr().out
    for line in ("locked.pdf: the PDF is password-protected", "budget.xlsx: unsupported file type .xlsx",
                 "logo.png: unsupported file type .png", "scan.pdf: the PDF has no text layer"):
        assert line in out


def test_cartqa_ask_cites_the_page(mixed, tmp_path, capsys):
    args = ["--corpus", str(mixed), "--index", str(tmp_path / "index")]
    assert main(["ask", "How many gliders does the club own?", *args]) == 0
    assert "  [club.pdf, p. 2] The club owns 14 gliders" in capsys.readouterr().out
    assert main(["ask", "How many gliders does the club own?", "--json", *args]) == 0
    assert '"location": "p. 2"' in capsys.readouterr().out
