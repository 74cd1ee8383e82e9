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
from datetime import UTC, datetime
from pathlib import Path

from cartqa import config
from cartqa.app.render import answer_markdown, reply_markdown
from cartqa.errors import CartqaError

log = logging.getLogger(__name__)

EXAMPLES = [
    "When was the National Cancer Institute of Milan established?",
    "Which cell factory of the Plagencell project is in Pavia?",
    "How many inpatient beds does INT have?",
    "What is the ultimate goal of EURE-CART?",
]
DEFAULT_MODE = "extractive"
# Sources inside replies: compact on phones, and a <mark> that stays readable on the dark theme.
CSS = """
#chat { overflow-wrap: anywhere; }
#chat small { display: block; line-height: 1.4; }
#chat details { font-size: 0.92em; }
#chat details summary { cursor: pointer; }
#chat details ol { padding-left: 1.4em; }
/* !important because Gradio's own .prose blockquote margin is. */
#chat details blockquote { margin: 0.2em 0 0.6em !important; padding-left: 0.6em; }
#chat mark { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
#rebuild { align-self: center; }
"""
EMPTY_PROMPT = "Type a question about the documents, for example: *" + EXAMPLES[0] + "*"


def respond(message: str, history: list | None, mode: str = DEFAULT_MODE, n_sources: float = 3,
            corpus_dir: str | Path | None = None, index_dir: str | Path | None = None) -> Iterator[str]:
    """Chat handler: yields the short answer first, then the answer with its sources."""
    from cartqa.pipeline.qa import answer

    if not isinstance(message, str) or not message.strip():
        yield EMPTY_PROMPT
        return
    try:
        a = answer(message, corpus_dir, index_dir, history=history or [], mode=mode or DEFAULT_MODE)
    except CartqaError as exc:
        yield f"⚠️ {exc}"
        return
    yield answer_markdown(a)
    yield reply_markdown(a, int(n_sources or 3))


def index_status(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None) -> str:
    """One line: documents, chunks and when the index was built."""
    from cartqa.index.store import read_manifest

    try:
        m = read_manifest(config.index_dir(index_dir))
    except CartqaError as exc:
        return f"Index: {exc}"
    if m is None:
        return "Index: not built yet (it is built on the first question)."
    n = len(m.files)
    model = m.model_id.rsplit("/", 1)[-1]
    return f"Index: {n} document{'s' * (n != 1)}, {m.chunks} chunks, built {_when(m.built_at)} with {model}."


def _when(stamp: str) -> str:
    """``2026-11-26T15:31:11+0000`` as ``2026-11-26 15:31 UTC``; anything else unchanged."""
    try:
        t = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return stamp
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def rebuild(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None, progress=None) -> str:
    """Pick up added, changed and deleted documents without restarting, then load the
    new build so the next question does not pay for it."""
    from cartqa.index.build import build_index
    from cartqa.pipeline.engine import get_engine

    # Not `progress or …`: a gr.Progress with nothing tracked yet has len() 0, so it is falsy.
    step = progress if progress is not None else (lambda *args, **kwargs: None)
    corpus, index, embedder = config.corpus_dir(corpus_dir), config.index_dir(index_dir), config.embedder_name()
    step(0.05, desc="Checking documents…")
    try:
        # progress=True turns on build_index's per-file tqdm bar, which gr.Progress(track_tqdm=True) shows.
        report = build_index(corpus, index, embedder=embedder, progress=progress is not None)
        step(0.9, desc="Loading the new index…")
        get_engine(corpus, index, embedder, refresh=False)
    except CartqaError as exc:
        return f"Rebuild failed: {exc}"
    return f"Rebuilt: {report.summary()}.  \n" + index_status(corpus_dir, index_dir)


def build_app(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None):
    """The chat page: title, chat with examples, settings, index status and rebuild button."""
    import gradio as gr

    from cartqa.pipeline.qa import MODES

    with gr.Blocks(title="cartqa", fill_height=True) as demo:
        gr.Markdown("# cartqa\nShort answers, with their sources, from the documents in the corpus "
                    "(CAR-T research in Lombardy: Plagencell, EURE-CART and Milan's cancer hospitals). "
                    "Runs offline.")
        with gr.Accordion("Answer settings", open=False):
            mode = gr.Radio(list(MODES), value=DEFAULT_MODE, label="Answer mode")
            n_sources = gr.Slider(1, 5, value=3, step=1, label="Sources shown")
        # Panel layout: replies use the full width, which the sources need on a phone.
        chatbot = gr.Chatbot(elem_id="chat", label="Chat", show_label=False, scale=1, min_height=320, layout="panel",
                             render=False)
        gr.ChatInterface(
            fn=lambda m, h, mo, n: (yield from respond(m, h, mo, n, corpus_dir, index_dir)),
            chatbot=chatbot,
            textbox=gr.Textbox(elem_id="question", placeholder="Ask a question about the documents…", scale=7,
                               autofocus=True, submit_btn=True, stop_btn=True),
            additional_inputs=[mode, n_sources],
            # Questions only: the examples show inside the empty chat as cards and run with the
            # current settings (with settings values they would become a table under the chat).
            examples=[[e] for e in EXAMPLES],
            api_name="chat",
            concurrency_limit=4,
        )
        with gr.Row():
            status = gr.Markdown(index_status(corpus_dir, index_dir), elem_id="index-status")
            button = gr.Button("Rebuild index", size="sm", scale=0, min_width=120, elem_id="rebuild")
        # The line is computed when the app is built, but the warm-up or a question may (re)build the
        # index later: refresh it when the page loads and as replies come in (a cheap manifest read).
        for event in (demo.load, chatbot.change):
            event(lambda: index_status(corpus_dir, index_dir), outputs=status, api_visibility="private",
                  queue=False, show_progress="hidden")
        button.click(lambda progress=gr.Progress(track_tqdm=True): rebuild(corpus_dir, index_dir, progress),
                     outputs=status, api_name="rebuild")
    return demo


def _warm_up(corpus_dir, index_dir) -> None:
    from cartqa.pipeline.engine import get_engine

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
    demo.launch(server_name=host, server_port=port, share=False, auth=credentials, show_error=False,
                css=CSS)
