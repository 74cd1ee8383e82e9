"""Stage 6, the pipeline: a question in, an ``Answer`` with its sources out.

``engine`` loads one index build with everything a question needs (retriever,
corpus view, embedder, word relatedness), once per process; ``qa.answer`` is the
public entry point: it refreshes a stale index, mends the question, translates
Italian, retrieves, reads (or generates) and returns a frozen ``Answer``.

May import: ``cartqa.generation``, ``cartqa.reading`` and everything below them.
"""
