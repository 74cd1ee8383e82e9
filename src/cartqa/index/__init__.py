"""Stage 2, the index: chunks in, a stored, self-describing vector index out.

``embedders`` gives the embedding models behind one protocol (MiniLM and e5
offline, a deterministic hash fake for tests, any sentence-transformers folder);
``store`` reads and writes the chunk records and the versioned manifest atomically,
the chunk vectors through ``vectorstore`` (FAISS files, or a Milvus collection: ``milvus``);
``build`` re-embeds only the files whose hash changed (``shards`` splits a large build), reading
the sentences' vectors off their chunks' own pass (``late``).

May import: ``cartqa.corpus`` and the shared ``records`` / ``errors`` / ``config``.
"""
