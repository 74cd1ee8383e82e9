"""Index-side timings in one process, the model loaded first (so it is not counted).

    .venv/bin/python bench/steps.py build|encode|change CORPUS INDEX

``build``: a full build, bracketed by the raw encode of its chunks, each distinct passage once
(the floor a build is compared with): the corpus is chunked as the build chunks it, half the chunks are encoded
before the build and the other half after, so a machine whose speed drifts within the hour
(the encode of the same 13,723 chunks took 301, 364, 404 and 491 s on one machine in a day)
weighs on both sides of the ratio alike. ``encode``: the raw encode of the built index's
distinct chunks alone. ``change``: one file changed, one added, one removed, each an incremental build.
Prints one JSON line, with this process's peak memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cartqa import build_index  # noqa: E402
from cartqa.corpus.chunking import ChunkSettings, chunk_document, passage  # noqa: E402
from cartqa.corpus.loaders import load_corpus  # noqa: E402
from cartqa.index.embedders import get_embedder  # noqa: E402
from cartqa.index.store import load_stored, read_manifest  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cpu() -> float:
    """This process's CPU seconds and those of its children that ended (the build's parse helper)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def passages(corpus: Path, model) -> list[str]:
    """The corpus's chunks as the build cuts and embeds them, in document order."""
    settings = ChunkSettings()
    return [passage(c) for doc in load_corpus(corpus)
            for c in chunk_document(doc, settings.max_tokens, settings.overlap_sentences, model.count_tokens)]


def full_build(corpus: Path, index: Path) -> None:
    build_index(corpus, index, progress=False)


def bracketed(corpus: Path, index: Path, model, build: Callable[[Path, Path], object] = full_build) -> dict[str, float]:
    """A full build between the two halves of the raw encode of its chunks (see the module's docstring).

    The encode is of each distinct passage once: a build runs a repeated passage once (a file copied,
    or the bench's corpora, which repeat pieces of documents), and the floor it is held to is the
    encode of what it must embed, not of the copies."""
    texts = passages(corpus, model)
    distinct = list(dict.fromkeys(texts))
    c0 = cpu()
    before = timed(lambda: model.embed_passages(distinct[0::2]))
    c1 = cpu()
    built_s = timed(lambda: build(corpus, index))
    c2 = cpu()
    built = [passage(c) for c in load_stored(index, read_manifest(index)).chunks]
    if sorted(built) == sorted(texts):
        after = timed(lambda: model.embed_passages(distinct[1::2]))
    else:  # the bench's chunking no longer matches the build's: time the built chunks' encode after it
        before, c0 = 0.0, c1
        after = timed(lambda: model.embed_passages(list(dict.fromkeys(built))))
    c3 = cpu()
    return {"build_s": built_s, "build_cpu_s": c2 - c1, "encode_s": before + after, "encode_before_s": before,
            "encode_after_s": after, "encode_cpu_s": (c1 - c0) + (c3 - c2), "chunks": len(built),
            "distinct": len(set(built))}


def main(what: str, corpus: Path, index: Path) -> None:
    model = get_embedder("minilm")
    model.embed_passages(["warm up"])
    out: dict[str, float] = {}
    if what == "build":
        out = bracketed(corpus, index, model)
    elif what == "encode":
        texts = [passage(c) for c in load_stored(index, read_manifest(index)).chunks]  # as the build embeds them
        out["encode_s"] = timed(lambda: model.embed_passages(list(dict.fromkeys(texts))))
        out["chunks"], out["distinct"] = len(texts), len(set(texts))
    else:
        victim = sorted(corpus.glob("doc-*.txt"))[0]
        victim.write_text(victim.read_text(encoding="utf-8") + "\n\nA sentence added for the bench.\n", encoding="utf-8")
        out["changed_s"] = timed(lambda: build_index(corpus, index, progress=False))
        extra = corpus / "bench-added.txt"
        extra.write_text("A new document about the bench. It has two sentences.\n", encoding="utf-8")
        out["added_s"] = timed(lambda: build_index(corpus, index, progress=False))
        extra.unlink()
        out["removed_s"] = timed(lambda: build_index(corpus, index, progress=False))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
