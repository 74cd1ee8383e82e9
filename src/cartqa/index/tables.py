"""Content-addressed tables an index build stores beside its chunks: text -> vector, text -> record.

A question needs more than the chunk vectors: a vector for every corpus sentence, for
the corpus's words, and each sentence's parse. The build computes them
once, keyed by the text itself, so an unchanged file costs nothing on the next build (its
sentences are already in the old table) and a new process reads them instead of
recomputing them. Vectors are a ``.npy`` matrix loaded memory-mapped.

>>> import tempfile, pathlib, numpy as np
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_vectors(d, "sentences", ["a", "b"], np.eye(2, dtype=np.float32))
>>> t = read_vectors(d, "sentences")
>>> "a" in t, t.get("b").tolist(), t.get("c") is None, len(t)
(True, [0.0, 1.0], True, 2)
"""

from __future__ import annotations

import json
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from cartqa.errors import IndexFormatError
from cartqa.lazy import LazyMapping


class VectorTable:
    """Vectors looked up by their text; rows stay on disk until read (memory-mapped)."""

    def __init__(self, keys: list[str], matrix: np.ndarray) -> None:
        if len(keys) != len(matrix):
            raise IndexFormatError(f"vector table has {len(keys)} texts but {len(matrix)} rows")
        self.keys = keys
        self.matrix = matrix
        self._rows = {k: i for i, k in enumerate(keys)}

    def __contains__(self, text: object) -> bool:
        return text in self._rows

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, text: str) -> np.ndarray | None:
        row = self._rows.get(text)
        return None if row is None else np.asarray(self.matrix[row], dtype=np.float32)

    def rows(self, texts: Iterable[str], dim: int | None = None) -> np.ndarray:
        """The vectors of ``texts`` (all present), stacked (``dim``: their width, for a caller that
        reads several kinds of table alike, :func:`rows_of`)."""
        return np.asarray(self.matrix[[self._rows[t] for t in texts]], dtype=np.float32)


EMPTY = VectorTable([], np.zeros((0, 0), np.float32))


class TextVectors(Protocol):
    """What a build reads vectors by text from: a :class:`VectorTable`, several (the shards'), an old
    table with a build's fresh vectors beside it, or a plain dict. One with ``rows(texts, dim)``
    reads them together (:func:`rows_of`)."""

    def __contains__(self, text: object) -> bool: ...

    def get(self, text: str) -> np.ndarray | None: ...


def rows_of(table: TextVectors, texts: Sequence[str], dim: int) -> np.ndarray:
    """The vectors of ``texts`` (all in ``table``), stacked: read together where ``table`` can
    (its ``rows``), else one ``get`` at a time.

    >>> rows_of({"a": np.ones(2, np.float32)}, ["a", "a"], 2).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    rows = getattr(table, "rows", None)
    if rows is not None:
        return rows(texts, dim)
    return np.asarray([table.get(t) for t in texts], np.float32).reshape(len(texts), dim)


def write_vectors(folder: Path, name: str, keys: list[str], matrix: np.ndarray) -> None:
    """Write ``<name>.keys.json`` and ``<name>.npy`` (row i is the vector of ``keys[i]``)."""
    (folder / f"{name}.keys.json").write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
    np.save(folder / f"{name}.npy", np.ascontiguousarray(matrix, dtype=np.float32))


def read_vectors(folder: Path, name: str) -> VectorTable:
    """The table ``name`` of a build folder; an empty one when the build has none."""
    keys_path, matrix_path = folder / f"{name}.keys.json", folder / f"{name}.npy"
    if not keys_path.exists():
        return EMPTY
    try:
        keys = json.loads(keys_path.read_text(encoding="utf-8"))
        matrix = np.load(matrix_path, mmap_mode="r")
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"index table {matrix_path} is damaged ({exc})") from exc
    return VectorTable(keys, matrix)


def write_records(folder: Path, name: str, records: Mapping[str, object]) -> None:
    """Write ``<name>.jsonl``: one ``[text, record]`` pair per line. A record an earlier build stored
    (:class:`Picked`'s kept ones) is copied as its stored line, not decoded and encoded again: at
    1,000 documents that was ~0.5 s of a changed file's build, at 10,000 ten times more."""
    with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as fh:
        for text in records:
            line = stored_line(records, text)
            fh.write(line if line is not None else json.dumps([text, records[text]], ensure_ascii=False))
            fh.write("\n")


def stored_line(records: Mapping[str, object], text: str) -> str | None:
    """The line ``text``'s record has in an earlier build's file, when ``records`` took it from one
    unchanged (a :class:`Records`, a :class:`Picked`, or a ChainMap of them) and it is whole; else None.

    >>> stored_line({"a": 1}, "a") is None
    True
    """
    if isinstance(records, ChainMap):
        return next((stored_line(m, text) for m in records.maps if text in m), None)
    line = getattr(records, "line", None)
    return line(text) if line is not None else None


def intact(records: Mapping[str, object], text: str) -> bool:
    """Does ``records`` hold ``text``'s record, whole where it was read from a file? A build works
    out again a record cut short (a damaged file) instead of copying its line.

    >>> intact({"a": 1}, "a"), intact({"a": 1}, "b")
    (True, False)
    """
    if isinstance(records, ChainMap):
        return next((intact(m, text) for m in records.maps if text in m), False)
    return text in records and (not isinstance(records, Records) or records.line(text) is not None)


def all_intact(records: Mapping[str, object]) -> bool:
    """Is every record of ``records`` :func:`intact`? A build that finds one cut short cannot keep
    the table as it is, even when no file changed.

    >>> all_intact({"a": 1})
    True
    """
    return all(intact(records, text) for text in records)


class Records(LazyMapping[str, object]):
    """A stored records table (:func:`read_records`): each record decoded when first asked for,
    and its line in the file (:meth:`line`, None when it is cut short) for a build that keeps it."""

    def __init__(self, keys: Iterable[str], make: Callable[[str], object],
                 line: Callable[[str], str | None]) -> None:
        super().__init__(keys, make)
        self.line = line


class Picked(Mapping[str, object]):
    """A build's records table: ``keys`` (in order) taken from ``fresh`` where it has them, else from
    ``old`` (an earlier build's :class:`Records`, whose lines :func:`write_records` copies).

    >>> t = Picked(["A.", "B.", "A."], {"B.": "new"}, {"A.": "old"})
    >>> dict(t), t.line("B.") is None
    ({'A.': 'old', 'B.': 'new'}, True)
    """

    def __init__(self, keys: Iterable[str], fresh: Mapping[str, object], old: Mapping[str, object]) -> None:
        self._keys = dict.fromkeys(keys)
        self._fresh, self._old = fresh, old

    def __getitem__(self, key: str) -> object:
        if key not in self._keys:
            raise KeyError(key)
        return self._fresh[key] if key in self._fresh else self._old[key]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def line(self, key: str) -> str | None:
        return None if key in self._fresh else stored_line(self._old, key)


def read_records(folder: Path, name: str) -> Mapping[str, object]:
    """The records table ``name`` of a build folder; empty when the build has none.

    Only the texts are decoded now, a record when first asked for: a question reads a few dozen
    sentences' parses, and decoding all of them took ~0.2 s of a new process's start at 1,000
    documents. A record damaged past its text says so when read.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_records(d, "parses", {"INT has 464 beds.": [[0, 3]], 'Say "hi"\\n': None})
    >>> t = read_records(d, "parses")
    >>> len(t), t["INT has 464 beds."], 'Say "hi"\\n' in t, "x" in t, t['Say "hi"\\n'] is None
    (2, [[0, 3]], True, False, True)
    """
    path = folder / f"{name}.jsonl"
    if not path.exists():
        return {}
    try:
        data = path.read_text(encoding="utf-8")
        places: dict[str, tuple[int, int, int]] = {}
        start = 0
        while start < len(data):
            end = data.find("\n", start)
            end = len(data) if end < 0 else end
            if data[start:end].strip():
                if not data.startswith('["', start):
                    raise ValueError(f"line at character {start} is not a [text, record] pair")
                text, after = _scan_string(data, start + 2)
                places[text] = (start, after, end)  # the line's start, the text's closing quote, the line's end
            start = end + 1
    except (OSError, ValueError) as exc:
        raise IndexFormatError(f"index table {path} is damaged ({exc})") from exc

    def rest(text: str) -> str | None:
        """What follows the text on its line (``, <record>]``), None when the line is cut short."""
        _, after, end = places[text]
        pair = data[after:end].rstrip()
        return pair if pair.startswith(",") and pair.endswith("]") else None

    def line(text: str) -> str | None:
        start, _, end = places[text]
        return data[start:end].rstrip() if rest(text) is not None else None

    def record(text: str) -> object:
        try:
            pair = rest(text)
            if pair is None:
                raise ValueError("not a [text, record] pair")
            return json.loads(pair[1:-1])
        except ValueError as exc:  # the file's name only: the message may reach a web user
            raise IndexFormatError(f"index table {path.name} is damaged ({exc}); "
                                   "run 'cartqa index' to rebuild it.") from exc

    return Records(places, record, line)


_scan_string = json.decoder.scanstring  # the JSON string starting after its opening quote, and where it ends
