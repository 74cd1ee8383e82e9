"""Stage 3, search: a question in, ranked chunks (``Hit``) out.

``retrieval`` fuses dense search (FAISS over the index's vectors) with BM25
(bm25s, with fuzzy expansion of misspelt names) by reciprocal rank.

May import: ``cartqa.index``, ``cartqa.corpus`` and the shared modules.
"""
