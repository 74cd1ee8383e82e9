"""The Gradio chat. Building it loads no model; the first question (or the
background warm-up started by :func:`launch`) does.

>>> demo = build_app()              # doctest: +SKIP
>>> demo.launch()                   # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from . import config
from .errors import CartqaError
from .render import answer_markdown, reply_markdown

log = logging.getLogger(__name__)

EXAMPLES = [
    "When was the National Cancer Institute of Milan established?",
    "Which cell factory of the Plagencell project is in Pavia?",
    "How many inpatient beds does INT have?",
    "What is the ultimate goal of EURE-CART?",
]
EMPTY_PROMPT = "Type a question about the documents, for example: *" + EXAMPLES[0] + "*"


def respond(message: str, history: list | None, mode: str = "extractive", n_sources: float = 3,
            corpus_dir: str | Path | None = None, index_dir: str | Path | None = None) -> Iterator[str]:
    """Chat handler: yields the short answer first, then the answer with its sources."""
    from .qa import answer

    if not isinstance(message, str) or not message.strip():
        yield EMPTY_PROMPT
        return
    try:
        a = answer(message, corpus_dir, index_dir, history=history or [], mode=mode or "extractive")
    except CartqaError as exc:
        yield f"⚠️ {exc}"
        return
    yield answer_markdown(a)
    yield reply_markdown(a, int(n_sources or 3))


def index_status(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None) -> str:
    """One line: documents, chunks and when the index was built."""
    from .store import read_manifest

    try:
        m = read_manifest(config.index_dir(index_dir))
    except CartqaError as exc:
        return f"Index: {exc}"
    if m is None:
        return "Index: not built yet (it is built on the first question)."
    return f"Index: {len(m.files)} documents, {m.chunks} chunks, built {m.built_at} with {m.model_id}."


def rebuild(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None, progress=None) -> str:
    """Pick up added, changed and deleted documents without restarting."""
    from .indexing import build_index

    if progress is not None:
        progress(0.1, desc="Checking documents…")
    try:
        report = build_index(config.corpus_dir(corpus_dir), config.index_dir(index_dir), embedder=config.embedder_name())
    except CartqaError as exc:
        return f"Rebuild failed: {exc}"
    return f"Rebuilt: {report.summary()}.  \n" + index_status(corpus_dir, index_dir)


def build_app(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None):
    """The chat page: title, chat with examples, settings, index status and rebuild button."""
    import gradio as gr

    with gr.Blocks(title="cartqa") as demo:
        gr.Markdown("# cartqa\nShort answers, with their sources, from the documents in the corpus "
                    "(CAR-T research in Lombardy: Plagencell, EURE-CART and Milan's cancer hospitals). "
                    "Runs offline.")
        with gr.Accordion("Settings", open=False):
            mode = gr.Radio(["extractive"], value="extractive", label="Answer mode")
            n_sources = gr.Slider(1, 5, value=3, step=1, label="Sources shown")
        gr.ChatInterface(
            fn=lambda m, h, mo, n: (yield from respond(m, h, mo, n, corpus_dir, index_dir)),
            additional_inputs=[mode, n_sources],
            examples=[[e, "extractive", 3] for e in EXAMPLES],
            api_name="chat",
            concurrency_limit=4,
        )
        with gr.Row():
            status = gr.Markdown(index_status(corpus_dir, index_dir))
            button = gr.Button("Rebuild index", size="sm", scale=0)
        button.click(lambda progress=gr.Progress(): rebuild(corpus_dir, index_dir, progress), outputs=status,
                     api_name="rebuild")
    return demo


def _warm_up(corpus_dir, index_dir) -> None:
    from .engine import get_engine

    t0 = time.perf_counter()
    try:
        engine = get_engine(config.corpus_dir(corpus_dir), config.index_dir(index_dir), config.embedder_name())
        engine.retriever.search("warm up", k=1)
        log.info("warm-up done in %.1f s", time.perf_counter() - t0)
    except CartqaError as exc:
        log.warning("warm-up failed: %s", exc)


def launch(host: str | None = None, port: int | None = None, corpus_dir=None, index_dir=None) -> None:
    """Serve on 127.0.0.1:7860 unless told otherwise; never a public share link."""
    host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = int(port or os.environ.get("GRADIO_SERVER_PORT") or 7860)
    auth = os.environ.get("CARTQA_AUTH")
    credentials = tuple(auth.split(":", 1)) if auth and ":" in auth else None
    threading.Thread(target=_warm_up, args=(corpus_dir, index_dir), daemon=True).start()
    demo = build_app(corpus_dir, index_dir)
    demo.queue(max_size=64, default_concurrency_limit=4)
    demo.launch(server_name=host, server_port=port, share=False, auth=credentials, show_error=False)
