"""The Gradio chat. Building it loads no model; the first question (or the background
warm-up started by :func:`launch`) does.

The conversation is one ``gr.HTML`` the app renders itself (:mod:`cartqa.app.render`,
everything from documents and questions escaped, no Markdown), so the page scrolls as a
page, nothing sits on top of the text, and sources, citations and the document viewer
are plain focusable HTML.

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

from cartqa import config
from cartqa.app import documents, guard
from cartqa.app.assets import CHAT_JS, CSS, VIEWER_JS
from cartqa.app.panel import index_status, public, rebuild  # noqa: F401 - index_status, rebuild: re-exported
from cartqa.app.render import document_html, esc, message_html, reply_html, transcript_html
from cartqa.errors import CartqaError

log = logging.getLogger(__name__)

EXAMPLES = [
    "When was the National Cancer Institute of Milan established?",
    "Which cell factory of the Plagencell project is in Pavia?",
    "How many inpatient beds does INT have?",
    "What is the ultimate goal of EURE-CART?",
]
DEFAULT_MODE = "extractive"
INTRO = "Ask a question about the documents. Answers are quoted from them, with their sources; " \
        "when the documents don't say, you are told so."
THINKING = '<div class="reply pending" role="status"><p>Looking in the documents…</p></div>'
MAX_SHOWN_QUESTION = 2000
SUGGESTION_TRIES = 5


def _shown(question: str) -> str:
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
    return text if len(text) <= MAX_SHOWN_QUESTION else text[:MAX_SHOWN_QUESTION] + "…"


def suggest_for(refused, corpus_dir=None, index_dir=None, want: int = 2) -> list[str]:
    """Up to ``want`` questions read off a refusal's closest passages that the documents answer."""
    from cartqa.app.suggest import candidate_questions
    from cartqa.pipeline.qa import answer

    kept: list[str] = []
    try:
        candidates = candidate_questions([s.text for s in refused.sources[:3]])
    except (ImportError, OSError) as exc:  # no parser installed: no suggestions, the refusal still helps
        log.warning("no question suggestions: %s", exc)
        return kept
    for question in candidates[:SUGGESTION_TRIES]:
        try:
            if answer(question, corpus_dir, index_dir, mode="extractive").found:
                kept.append(question)
        except CartqaError:
            continue
        if len(kept) >= want:
            break
    return kept


def respond(message: str, turns: list | None, mode: str = DEFAULT_MODE, n_sources: float = 3,
            corpus_dir=None, index_dir=None) -> Iterator[list]:
    """Chat handler: yields the turns (question, reply HTML) with a placeholder reply, then the reply.
    An empty question yields nothing: no empty bubble."""
    from cartqa.pipeline.qa import answer

    turns = list(turns or [])
    if not isinstance(message, str) or not message.strip():
        return
    question = _shown(message)
    yield [*turns, (question, THINKING)]
    history = [q for q, _ in turns]
    try:
        a = answer(message, corpus_dir, index_dir, history=history, mode=mode or DEFAULT_MODE)
        hints = suggest_for(a, corpus_dir, index_dir) if a.outcome == "refusal" else []
        reply = reply_html(a, question, turn=len(turns) + 1, n=int(n_sources or 3), suggestions=hints)
    except CartqaError as exc:
        reply = message_html(public(exc, corpus_dir, index_dir))
    except Exception as exc:  # noqa: BLE001 - a web user gets one line, the log the traceback
        log.exception("answering failed")
        reply = message_html(f"Something went wrong while answering ({type(exc).__name__}); try again.")
    yield [*turns, (question, reply)]


def build_app(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None):
    """The chat page: conversation, question box, examples, document viewer, Documents panel,
    index status and rebuild."""
    import gradio as gr

    from cartqa.app.panel import documents_panel
    from cartqa.pipeline.qa import MODES

    with gr.Blocks(title="cartqa") as demo:
        gr.HTML('<header class="top"><h1>cartqa</h1><p>Answers from your documents, quoted with their '
                'sources. Runs offline.</p></header>')
        turns = gr.State([])
        chat = gr.HTML(transcript_html([], INTRO), elem_id="chat", js_on_load=CHAT_JS, apply_default_css=False)
        viewer = gr.HTML("", elem_id="viewer", js_on_load=VIEWER_JS, apply_default_css=False)
        with gr.Row(elem_id="ask-row", equal_height=False):
            box = gr.Textbox(label="Your question", placeholder="For example: " + EXAMPLES[0], elem_id="question",
                             lines=1, max_lines=4, scale=6, autofocus=True, submit_btn=False, stop_btn=False)
            ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=1, min_width=80)
        with gr.Row(elem_id="examples") as examples_row:
            gr.HTML('<p class="examples-label">Examples:</p>', apply_default_css=False)
            example_buttons = [gr.Button(e, size="sm", variant="secondary") for e in EXAMPLES]
        with gr.Accordion("Answer settings", open=False, elem_id="settings"):
            mode = gr.Radio(list(MODES), value=DEFAULT_MODE, label="Answer mode")
            n_sources = gr.Slider(1, 5, value=3, step=1, label="Sources shown")

        chat_outputs = [chat, turns, box, ask, examples_row]

        def asking(question, state, mo, n):
            if not isinstance(question, str) or not question.strip():
                # no empty bubble; the box is left alone too, so a late reply never clears what was typed since
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            last = None
            for t in respond(question, state, mo, n, corpus_dir, index_dir):
                if last is not None:
                    yield transcript_html(last, INTRO), last, "", gr.update(interactive=False), gr.update(visible=False)
                last = t
            if last is not None:  # the last step re-enables Ask, so an API caller gets the whole reply
                yield transcript_html(last, INTRO), last, "", gr.update(interactive=True), gr.update(visible=False)

        inputs = [box, turns, mode, n_sources]
        for event in (box.submit, ask.click):
            public_api = {"api_name": "chat"} if event == ask.click else {"api_visibility": "private"}
            # a question sent while the last event is still finishing is queued, not dropped ("once" drops it)
            event(asking, inputs, chat_outputs, show_progress="hidden", concurrency_limit=4,
                  trigger_mode="always_last", **public_api)
        for button, text in zip(example_buttons, EXAMPLES, strict=True):
            button.click(lambda s, mo, n, _t=text: (yield from asking(_t, s, mo, n)), [turns, mode, n_sources],
                         chat_outputs, api_visibility="private", show_progress="hidden")

        def clicked(state, mo, n, evt: gr.EventData):
            data = getattr(evt, "_data", None) or {}
            if isinstance(data.get("q"), str):  # a suggested question
                for out in asking(data["q"], state, mo, n):
                    yield (*out, gr.skip())
                return
            if isinstance(data.get("doc"), str):
                yield (*[gr.skip()] * len(chat_outputs), open_document(data, corpus_dir, index_dir))

        clicked.__annotations__["evt"] = gr.EventData  # a string under PEP 563; gradio needs the type
        chat.click(clicked, [turns, mode, n_sources], [*chat_outputs, viewer], api_visibility="private",
                   show_progress="hidden")
        documents_panel(gr, demo, chat, corpus_dir, index_dir)
    return demo


def open_document(data: dict, corpus_dir=None, index_dir=None) -> str:
    """The viewer's HTML for a click on "Open in the document"."""
    doc = data.get("doc") or ""
    try:
        text = documents.document_text(config.corpus_dir(corpus_dir), config.index_dir(index_dir), doc)
        start, end = int(data.get("start") or 0), int(data.get("end") or 0)
        mark = (int(data.get("mark_start") or 0), int(data.get("mark_end") or 0))
        body = document_html(doc, text, (start, end), mark if mark[1] > mark[0] else None)
    except (CartqaError, OSError, ValueError) as exc:
        body = f"<p>{esc(public(exc, corpus_dir, index_dir))}</p>"
    return ('<section class="viewer" aria-label="Document"><button type="button" class="close-doc">'
            'Close the document</button>' + body + "</section>")


def _warm_up(corpus_dir, index_dir) -> None:
    from cartqa.pipeline.engine import get_engine, warm_in_background

    t0 = time.perf_counter()
    try:
        engine = get_engine(config.corpus_dir(corpus_dir), config.index_dir(index_dir), config.embedder_name())
        engine.retriever.search("warm up", k=1)
        warm_in_background(engine, config.index_dir(index_dir))
        log.info("warm-up done in %.1f s", time.perf_counter() - t0)
    except CartqaError as exc:
        log.warning("warm-up failed: %s", exc)


def launch(host: str | None = None, port: int | None = None, corpus_dir=None, index_dir=None,
           block: bool = True, warm: bool = True):
    """Serve on 127.0.0.1:7860 unless told otherwise; never a public share link. A malformed
    ``CARTQA_AUTH`` stops here, before anything listens. Prints the address to open; with
    ``block=False`` returns the running app (tests close it)."""
    from starlette.middleware import Middleware

    credentials = guard.parse_auth(os.environ.get("CARTQA_AUTH"))
    host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = int(port or os.environ.get("GRADIO_SERVER_PORT") or 7860)
    limit = documents.max_upload_bytes()
    if warm:
        threading.Thread(target=_warm_up, args=(corpus_dir, index_dir), daemon=True).start()
    demo = build_app(corpus_dir, index_dir)
    demo.queue(max_size=64, default_concurrency_limit=4)
    demo.launch(server_name=host, server_port=port, share=False, auth=credentials, show_error=False, css=CSS,
                max_file_size=limit, app_kwargs={"middleware": [Middleware(guard.ThrottleLogins)]},
                prevent_thread_lock=True, quiet=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"cartqa chat: open http://{shown}:{port}/ in your browser (Ctrl+C stops it)", flush=True)
    if not block:
        return demo
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        demo.close()
    return demo
