"""The README as a newcomer reads it: short, with the sections they need, links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_is_short_and_complete():
    text = README.read_text(encoding="utf-8")
    assert len(text.split()) < 1200
    for section in ("## Quickstart", "## How it works", "## Troubleshooting", "## Tests"):
        assert section in text
    assert "prints the chat's address" in text and "opens the chat" not in text


def test_readme_links_resolve():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?:docs|eval)/[^)#]+)\)", text)
    assert "docs/app.md" in links and "docs/screenshot-desktop.png" in links
    missing = [link for link in links if not (README.parent / link).exists()]
    assert not missing, missing
