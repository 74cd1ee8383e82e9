"""The stages import one way, from the app down to the corpus, with no circles (pyproject's contracts)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_every_stage_says_what_it_may_import():
    stages = [p for p in (REPO / "src" / "cartqa").iterdir() if (p / "__init__.py").exists()]
    assert len(stages) >= 8
    for stage in stages:
        doc = (stage / "__init__.py").read_text(encoding="utf-8")
        assert doc.startswith('"""') and "import" in doc.split('"""')[1], stage.name
