"""Repair what text extraction typically breaks, without touching the source file.

Offsets that cartqa reports index the *normalised* text, which is what this
module returns; the source file is never rewritten.

>>> normalize_text("in BergamoIRCCS Policlinico\\u00a0San Matteo")
'in Bergamo\\nIRCCS Policlinico San Matteo'
>>> normalize_text("treat-\\nment of “toxic” effects")
'treatment of "toxic" effects'
>>> normalize_text("Beds:\\n\\n====  ===\\nINT   464\\nIEO   300\\n====  ===")
'Beds:\\n\\nINT | 464\\n\\nIEO | 300'
"""

from __future__ import annotations

import re
import unicodedata

from cartqa.corpus.bullets import ITEM, bullets_kept, items_apart
from cartqa.corpus.fields import fields_kept
from cartqa.corpus.tabular import rows_kept

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-"})
# Zero-width and soft-hyphen characters survive copy-paste but break matching.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A word broken across a line by a hyphen: "treat-\nment".
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
# Words run together when a line break or cell border was lost: "BergamoIRCCS",
# "PaviaIRCCS". Three lower-case letters first so "McDonald" or "iPhone" stay whole.
# The lost break is restored as a line break, so list items stay separable.
_RUN_TOGETHER = re.compile(r"(?<=[a-z]{3})(?=[A-Z])")
# A sentence glued to the next one, or to a web address: "in 1928.The Institute",
# "the winning party.http://www.example.org" (scraped pages lose the space before a link).
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9]{2}[.!?])(?=[A-Z][a-z]|https?://|www\.)")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")


def _unglued(m: re.Match) -> str:
    """A space where a sentence was glued to the next, unless the stop is inside a web address
    ("http://ftp.www.x.org", "…/go.php?http://y.org"), which must stay whole to be read or followed."""
    text, at = m.string, m.start()
    lo = max(0, at - 2000)  # a bounded look back: a text without spaces must not make this quadratic
    start = max(lo - 1, text.rfind(" ", lo, at), text.rfind("\n", lo, at), text.rfind("\t", lo, at)) + 1
    word = text[start:at]
    return "" if "://" in word or word.startswith("www.") else " "


def normalize_text(raw: str) -> str:
    """Return ``raw`` with Unicode, quotes, spacing and run-together words repaired.

    Paragraph breaks (blank lines) are kept as a single empty line; other runs
    of whitespace become one space.
    """
    text = unicodedata.normalize("NFKC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text).replace(ITEM, " ")  # the list item mark (bullets) is ours alone
    text = text.translate(_QUOTES).translate(_DASHES)
    text = rows_kept(text)  # a table's rows stay rows (their line breaks are meaning, not layout)
    text = fields_kept(text)  # so do a record's "Name: value" lines
    text = bullets_kept(text)  # and a list's items, each on a line without its bullet
    text = _HYPHEN_BREAK.sub("", text)
    text = _GLUED_SENTENCE.sub(_unglued, text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    # Single line breaks inside a paragraph are layout, not meaning.
    text = re.sub(r" *(?<!\n)\n(?!\n) *", " ", text)
    text = re.sub(r" *\n\n *", "\n\n", text)
    text = _RUN_TOGETHER.sub("\n", text)
    return items_apart(text.strip())


def fold(text: str) -> str:
    """Lower-case, accent-free form for matching: ``fold("Città")`` -> ``'citta'``."""
    if text.isascii():  # most words: nothing to decompose (a character-by-character pass cost ~3 ms an answer)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
