"""Typed results passed between cartqa's stages.

Every stage takes and returns these small frozen dataclasses, so the pure core
(chunking, retrieval, answer extraction) can be tested without files or models.

>>> c = Chunk(doc="a.txt", text="INT was established in 1928.", start=0, end=28)
>>> Hit(chunk=c, score=0.5, rank=1).chunk.doc
'a.txt'
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chunk:
    """A passage of one document; ``start``/``end`` index its normalised text."""

    doc: str
    text: str
    start: int
    end: int
    location: str = ""  # where in the document, for citations: "p. 4", a heading, or "" (see Source.location)
    # The document's title and the heading over the chunk, those it does not write itself: what
    # retrieval reads beside ``text`` (cartqa.corpus.chunking.passage), "" when there are none.
    context: str = ""


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score (higher is better) and 1-based rank."""

    chunk: Chunk
    score: float
    rank: int


@dataclass(frozen=True)
class Source:
    """Where an answer comes from, as shown to users.

    ``span`` is the answer's (start, end) within ``text`` when the answer was
    taken from this passage, else ``None``.
    """

    doc: str
    text: str
    score: float
    start: int = 0
    end: int = 0
    span: tuple[int, int] | None = None
    sentence: str = ""
    location: str = ""  # the chunk's place in its document ("p. 4", "Methods", "line 12"); "" when unknown


@dataclass(frozen=True)
class Answer:
    """What :func:`cartqa.answer` returns.

    ``text`` is the short answer, or a sentence saying the documents do not
    contain it (then ``found`` is False). ``sentence`` is the supporting
    sentence; ``sources`` are the passages looked at, best first. ``via`` says
    what produced it: ``extractive``, or in the generative mode ``generative``
    (the model's checked answer), ``fallback`` (its answer failed the checks, so
    the extractive one), ``model-refusal`` or, unchecked, ``free``. ``outcome`` is one of three:
    ``answer`` (a short answer, ``found``), ``passage`` (no short answer is sure, but ``sentence``
    answers: ``text`` says so and ``sources[0].span`` marks its likeliest span) or ``refusal``.
    """

    text: str
    found: bool
    sources: list[Source] = field(default_factory=list)
    sentence: str = ""
    via: str = "extractive"
    outcome: str = ""
    confidence: float = 0.0  # the reader's probability that the short answer (or the passage) is right

    def __post_init__(self) -> None:
        if not self.outcome:
            object.__setattr__(self, "outcome", "answer" if self.found else "refusal")

    @property
    def marked(self) -> str:
        """The span a passage answer marks in its first source ("" when it marks none).

        >>> Answer("...", False, [Source("a.txt", "Founded in 1928.", 1.0, 0, 16, (11, 15))], outcome="passage").marked
        '1928'
        """
        s = self.sources[0] if self.sources else None
        return s.text[s.span[0]:s.span[1]] if self.outcome == "passage" and s and s.span else ""

    def to_json(self) -> dict:
        """The ``--json`` shape: ``{"answer", "found", "sources": [{"doc", "location", "text", "score"}]}``."""
        return {
            "answer": self.text,
            "found": self.found,
            "outcome": self.outcome,
            "sentence": self.sentence,
            "marked": self.marked,  # a passage's likeliest span ("" otherwise)
            "via": self.via,
            "sources": [
                {"doc": s.doc, "location": s.location, "text": s.text, "score": round(s.score, 4), "span": s.span}
                for s in self.sources
            ],
        }


@dataclass(frozen=True)
class BuildProgress:
    """One step of an index build, for a progress bar or a status line.

    >>> BuildProgress("embedding", 120, 940, "chunks").line()
    'embedding 120 of 940 chunks'
    """

    stage: str  # "reading", "embedding" or "writing"
    done: int
    total: int
    unit: str = "files"

    def line(self) -> str:
        return f"{self.stage} {self.done} of {self.total} {self.unit}"


@dataclass(frozen=True)
class IndexReport:
    """File counts from an incremental :func:`cartqa.build_index`."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for humans, e.g. ``added 1, updated 0, removed 0, unchanged 3 (42 chunks)``."""
        line = (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged} ({self.chunks} chunks)"
        )
        if self.skipped:
            line += f"; skipped {len(self.skipped)}: " + ", ".join(self.skipped)
        return line
