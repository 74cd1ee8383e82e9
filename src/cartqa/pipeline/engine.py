"""One loaded index build, ready to answer: retriever, corpus view and embedder.

Engines are cached per (index folder, build, embedder), so a process loads each
model and build once and every later question is fast.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from cartqa.errors import IndexFormatError
from cartqa.index.build import build_index, is_stale
from cartqa.index.embedders import Embedder, get_embedder
from cartqa.index.store import Manifest, load_stored, read_manifest
from cartqa.reading.grounding import CorpusView
from cartqa.reading.semantic import Relatedness, corpus_phrases
from cartqa.search.retrieval import Retriever


@dataclass(frozen=True)
class Engine:
    """Everything needed to answer from one index build."""

    manifest: Manifest
    retriever: Retriever
    view: CorpusView
    embedder: Embedder
    related: Relatedness


_CACHE: dict[tuple[str, str], Engine] = {}
_LOCK = threading.Lock()


def _parser(known: dict):
    """spaCy's parser when its model is installed; extraction degrades gracefully without.

    ``known``: the parses the index stored; when there are some, the parser was there at
    build time and its model loads only when a question needs it.
    """
    from cartqa.reading import syntax

    return syntax.Parser(known) if known or syntax.available() else None


def get_engine(corpus_dir: Path, index_dir: Path, embedder: str, refresh: bool = True) -> Engine:
    """The engine for ``index_dir``, rebuilding the index first if the corpus changed."""
    with _LOCK:
        if refresh and is_stale(corpus_dir, index_dir):
            build_index(corpus_dir, index_dir, embedder=embedder)
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexFormatError(f"No index in {index_dir}; run 'cartqa index --index {index_dir}'.")
        key = (str(Path(index_dir).resolve()), manifest.build_id)
        engine = _CACHE.get(key)
        if engine is None:
            model = get_embedder(manifest.embedder)
            stored = load_stored(index_dir, manifest)
            from cartqa.reading import wordnet

            view = CorpusView(stored.chunks, _parser(stored.parses), wordnet.WORDNET if wordnet.available() else None)
            related = Relatedness(model, stored.phrase_vectors)
            retriever = Retriever(stored.chunks, stored.vectors, model, stored.sentence_vectors)
            if not len(stored.phrase_vectors) and stored.chunks:  # an index without tables: warm now
                # one batch now instead of hundreds of single look-ups while answering (0.6 s against ~15 ms each)
                related.warm(corpus_phrases(view))
                retriever.warm_sentences([s.text for sentences in view.sentences.values() for s in sentences])
            engine = Engine(manifest, retriever, view, model, related)
            # The Italian dictionary takes ~1.7 s to read; read it now, beside the first English
            # questions, rather than during the first Italian one.
            from cartqa.reading.italian import alignment, lexicon

            if alignment.available():
                threading.Thread(target=lexicon.warm, name="cartqa-lexicon", daemon=True).start()
            if wordnet.available():  # WordNet's nouns and verbs (~1 s), for "what kind of doctors"
                threading.Thread(target=wordnet.warm, name="cartqa-wordnet", daemon=True).start()
            for old in [k for k in _CACHE if k[0] == key[0]]:
                del _CACHE[old]
            _CACHE[key] = engine
        return engine
