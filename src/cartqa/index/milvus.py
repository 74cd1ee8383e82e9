"""Chunk vectors in a Milvus collection: Milvus Lite (a ``.db`` folder) or a Milvus server or cluster.

The same code runs against both: pymilvus opens Milvus Lite in-process for a URI ending in
``.db`` and connects to a server for ``http://host:19530``. One collection holds one index's
chunks (``id`` = :func:`~cartqa.index.vectorstore.chunk_key`, ``doc``, ``vector``); a build
upserts only the chunks it embedded and deletes only the chunks that left the corpus, so an
incremental build pays for what changed. Search is exact (``FLAT``) up to
:data:`~cartqa.index.vectors.EXACT_UP_TO` chunks and an HNSW graph above, as with FAISS.

pymilvus is imported on first use: importing cartqa never loads it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from cartqa.errors import IndexFormatError, StoreError
from cartqa.index.vectors import EXACT_UP_TO, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M
from cartqa.index.vectorstore import DenseIndex, chunk_key, gather
from cartqa.records import Chunk

log = logging.getLogger(__name__)

LITE_FILE = "milvus.db"  # the default: a Milvus Lite folder inside the index folder
BATCH = 2000  # rows per insert, delete or get request (well under gRPC's 64 MB message limit)
CONNECT_TIMEOUT = 10.0  # seconds
_CLIENTS: dict[tuple[str, str], object] = {}
_CLIENTS_LOCK = threading.Lock()


class MilvusStore:
    """A Milvus collection as a :class:`~cartqa.index.vectorstore.VectorStore`.

    ``uri``: ``""`` for Milvus Lite in ``index_dir/milvus.db``, a ``.db`` path, or a server URI.
    """

    def __init__(self, uri: str, collection: str, index_dir: str | Path, token: str = "") -> None:
        self.uri, self.collection, self.token = uri, collection, token
        self.index_dir = Path(index_dir)
        self.place = {"kind": "milvus", "uri": uri, "collection": collection}  # the token is never stored

    def address(self) -> str:
        """What pymilvus connects to: the Lite folder's absolute path, or the server URI."""
        if not self.uri:
            return str((self.index_dir / LITE_FILE).resolve())
        return str(Path(self.uri).resolve()) if self.uri.endswith(".db") else self.uri

    def write(self, folder: Path, chunks: Sequence[Chunk], fresh: Mapping[int, np.ndarray],
              previous: DenseIndex | None, dim: int) -> None:
        keys = [chunk_key(c) for c in chunks]
        with _errors(self.address()):
            client = self._client()
            incremental = isinstance(previous, MilvusDense) and previous.place == self.place \
                and client.has_collection(self.collection)
            if incremental:
                known, wanted = previous.keys, set(keys)
                todo = [i for i, k in enumerate(keys) if k in fresh or k not in known]
                stale = [k for k in known if k not in wanted]
            else:  # first build, new settings, or vectors moving from another store
                self._create(client, dim)
                todo, stale = list(range(len(keys))), []
            for start in range(0, len(todo), BATCH):
                rows = todo[start:start + BATCH]
                vectors = gather([keys[i] for i in rows], fresh, previous, dim)
                client.upsert(self.collection, [{"id": keys[i], "doc": chunks[i].doc[:1000], "vector": v}
                                                for i, v in zip(rows, vectors)])
            for start in range(0, len(stale), BATCH):
                client.delete(self.collection, ids=stale[start:start + BATCH])
            self._fit_index(client, len(keys))
        log.info("milvus %s/%s: %d chunks written, %d deleted", self.address(), self.collection, len(todo), len(stale))

    def open(self, folder: Path, chunks: Sequence[Chunk], dim: int) -> MilvusDense:
        with _errors(self.address()):
            client = self._client()
            if not client.has_collection(self.collection):
                raise IndexFormatError(f"the Milvus collection {self.collection!r} is missing")
            if "NotLoad" in str(client.get_load_state(self.collection).get("state")):
                client.load_collection(self.collection)  # Milvus Lite, opened anew, starts released
            count = client.query(self.collection, filter="", output_fields=["count(*)"])[0]["count(*)"]
            if count != len(chunks):
                raise IndexFormatError(f"the Milvus collection {self.collection!r} has {count} vectors "
                                       f"for {len(chunks)} chunks")
            hnsw = self._index_type(client) == "HNSW"
        return MilvusDense(self, client, chunks, dim, hnsw)

    def _client(self):
        try:
            from pymilvus import MilvusClient
        except ImportError as exc:
            raise StoreError("CARTQA_STORE=milvus needs pymilvus and milvus-lite: "
                             "pip install 'pymilvus' 'milvus-lite'") from exc
        # pymilvus logs each failed call with a traceback on its own handler; cartqa says it in one line
        logging.getLogger("pymilvus.decorators").setLevel(logging.CRITICAL)
        address = self.address()
        with _CLIENTS_LOCK:
            client = _CLIENTS.get((address, self.token))
            if client is None:
                if address.endswith(".db"):
                    Path(address).parent.mkdir(parents=True, exist_ok=True)
                with _quiet("milvus_lite.server_manager"):  # its traceback says what our one line says
                    client = MilvusClient(uri=address, token=self.token, timeout=CONNECT_TIMEOUT)
                _CLIENTS[(address, self.token)] = client
        return client

    def _create(self, client, dim: int) -> None:
        from pymilvus import DataType, MilvusClient

        if client.has_collection(self.collection):
            client.drop_collection(self.collection)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("doc", DataType.VARCHAR, max_length=4096)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        # Strong: a question right after a build sees every row the build wrote.
        client.create_collection(self.collection, schema=schema, consistency_level="Strong")
        self._index(client, "FLAT")

    def _index_type(self, client) -> str:
        names = client.list_indexes(self.collection)
        return client.describe_index(self.collection, names[0])["index_type"] if names else ""

    def _fit_index(self, client, rows: int) -> None:
        """Exact search while it is fast enough, an HNSW graph above (the same rule as FAISS)."""
        wanted = "FLAT" if rows <= EXACT_UP_TO else "HNSW"
        current = self._index_type(client)
        if current == wanted:
            return
        client.release_collection(self.collection)
        if current:
            client.drop_index(self.collection, client.list_indexes(self.collection)[0])
        self._index(client, wanted)

    def _index(self, client, kind: str) -> None:
        params = client.prepare_index_params()
        extra = {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION} if kind == "HNSW" else {}
        params.add_index(field_name="vector", index_type=kind, metric_type="IP", params=extra)
        # Milvus Lite lacks the timestamp call pymilvus waits with (it logs a traceback, then goes on);
        # its index is ready at once, so it is not waited for.
        client.create_index(self.collection, params, sync=not self.address().endswith(".db"))
        client.load_collection(self.collection)


class MilvusDense:
    """A build's chunks searched in their Milvus collection; hits that are not this build's chunks
    (rows another build wrote since this one was loaded) are left out."""

    def __init__(self, store: MilvusStore, client, chunks: Sequence[Chunk], dim: int, hnsw: bool) -> None:
        self.place, self._store, self._client, self._dim, self._hnsw = store.place, store, client, dim, hnsw
        self._row = {chunk_key(c): i for i, c in enumerate(chunks)}

    @property
    def keys(self) -> set[int]:
        return set(self._row)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self._dim)
        scores, rows = np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        if k <= 0 or not len(queries) or not self._row:
            return scores, rows
        params = {"metric_type": "IP", "params": {"ef": max(HNSW_EF_SEARCH, k)} if self._hnsw else {}}
        with _errors(self._store.address()):
            found = self._client.search(self._store.collection, data=[q for q in queries], limit=k,
                                        output_fields=["id"], search_params=params)
        for q, hits in enumerate(found):
            mine = [(h["id"], h["distance"]) for h in hits if h["id"] in self._row]
            for j, (key, score) in enumerate(mine):
                rows[q, j], scores[q, j] = self._row[key], score
        return scores, rows

    def vectors(self, keys: Sequence[int]) -> np.ndarray:
        found: dict[int, np.ndarray] = {}
        with _errors(self._store.address()):
            for start in range(0, len(keys), BATCH):
                for entity in self._client.get(self._store.collection, ids=list(keys[start:start + BATCH]),
                                               output_fields=["vector"]):
                    found[entity["id"]] = np.asarray(entity["vector"], dtype=np.float32)
        missing = [k for k in keys if k not in found]
        if missing:
            raise IndexFormatError(f"the Milvus collection {self._store.collection!r} lacks {len(missing)} vectors")
        return np.asarray([found[k] for k in keys], dtype=np.float32).reshape(-1, self._dim)


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    was, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was


def close_clients() -> None:
    """Close every connection this process opened, and stop its Milvus Lite servers (their folders
    can then be opened by another process)."""
    with _CLIENTS_LOCK:
        for (address, _), client in list(_CLIENTS.items()):
            with contextlib.suppress(Exception):
                client.close()
            if address.endswith(".db"):
                from milvus_lite.server_manager import server_manager_instance

                server_manager_instance.release_server(address)
        _CLIENTS.clear()


@contextlib.contextmanager
def _errors(address: str) -> Iterator[None]:
    """Milvus's exceptions as one line (StoreError) naming where it failed."""
    try:
        yield
    except (StoreError, IndexFormatError):
        raise
    except Exception as exc:  # noqa: BLE001 - pymilvus and grpc raise many kinds; each is one line here
        if not _is_milvus_error(exc):
            raise
        raise StoreError(f"Milvus at {address} cannot be used: {_reason(exc, address)}") from exc


def _is_milvus_error(exc: Exception) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("pymilvus", "grpc", "milvus_lite"))


def _reason(exc: Exception, address: str) -> str:
    message = str(getattr(exc, "message", "") or exc).splitlines()[0][:200]
    if address.endswith(".db") and "Open local milvus failed" in message:
        return ("the Milvus Lite file is open in another process (one process at a time may use it; "
                "a Milvus server can be shared)")
    return message
