"""The Documents panel and the index status line: which documents are indexed, adding
and deleting them (atomically, with visible progress), and rebuilding the index.

With ``CARTQA_READONLY=1`` the panel only lists; with ``CARTQA_AUTH`` set only a
logged-in user may change documents. Every message passes :func:`public` first, so
no server path reaches a web user.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cartqa import config
from cartqa.app import documents, guard
from cartqa.app.progress import run_build
from cartqa.app.render import esc
from cartqa.errors import CartqaError, InputError

log = logging.getLogger(__name__)
_BUILDING = threading.Event()  # set while a rebuild, upload or delete shows its progress


def readonly() -> bool:
    """``$CARTQA_READONLY`` set to 1/true/yes: the Documents panel only lists."""
    return (os.environ.get("CARTQA_READONLY") or "").strip().lower() in ("1", "true", "yes", "on")


def _roots(corpus_dir, index_dir) -> list[Path]:
    return [config.corpus_dir(corpus_dir), config.index_dir(index_dir)]


def public(exc: BaseException | str, corpus_dir=None, index_dir=None) -> str:
    return guard.public_message(str(exc), _roots(corpus_dir, index_dir))




def index_status(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None) -> str:
    """One line: documents, chunks and when the index was built."""
    from cartqa.index.store import read_manifest

    try:
        m = read_manifest(config.index_dir(index_dir))
    except CartqaError as exc:
        return "Index: " + public(exc, corpus_dir, index_dir)
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


def status_html(lines: str) -> str:
    return "".join(f"<p>{esc(line)}</p>" for line in lines.splitlines() if line.strip())


def documents_table(corpus_dir=None, index_dir=None) -> str:
    """The Documents panel's table, every cell escaped."""
    try:
        docs = documents.list_documents(config.index_dir(index_dir))
    except CartqaError as exc:
        return f"<p>{esc(public(exc, corpus_dir, index_dir))}</p>"
    if not docs:
        return "<p>No documents are indexed yet.</p>"
    # data-label: on a phone each row is shown as a small card, every value with its column's name
    rows = "".join(
        f'<tr><td data-label="Name">{esc(d.name)}</td><td data-label="Type">{esc(d.kind)}</td>'
        f'<td data-label="Size">{_size(d.size)}</td><td data-label="Chunks">{d.chunks}</td>'
        f'<td data-label="Indexed">{esc(_when(d.indexed))}</td>'
        f'<td data-label="Problem">{esc(public(d.error, corpus_dir, index_dir)) or "—"}</td></tr>'
        for d in docs)
    return ('<table class="docs"><caption>Indexed documents</caption><thead><tr><th scope="col">Name</th>'
            '<th scope="col">Type</th><th scope="col">Size</th><th scope="col">Chunks</th>'
            '<th scope="col">Indexed</th><th scope="col">Problem</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1048576 else f"{n / 1048576:.1f} MB"


def rebuild_steps(corpus_dir=None, index_dir=None, done: str = "Rebuilt") -> Iterator[tuple[str, bool]]:
    """Build the index, yielding ``(progress lines, finished)``; then load the new build so the
    next question does not pay for it."""
    from cartqa.index.build import build_index
    from cartqa.pipeline.engine import get_engine
    from cartqa.records import BuildProgress

    corpus, index, embedder = config.corpus_dir(corpus_dir), config.index_dir(index_dir), config.embedder_name()

    def build(progress):
        report = build_index(corpus, index, embedder=embedder, progress=progress)
        progress(BuildProgress("loading", 0, 0, ""))
        get_engine(corpus, index, embedder, refresh=False)
        return report

    yield "Checking documents…", False
    for lines, report, error in run_build(build):
        if error is not None:
            if not isinstance(error, CartqaError):
                log.error("rebuild failed", exc_info=error)
            yield f"{done.split()[0]} failed: " + public(error if isinstance(error, CartqaError)
                                                          else type(error).__name__, corpus_dir, index_dir), True
            return
        if report is not None:
            yield f"{done}: {report.summary()}.\n" + index_status(corpus_dir, index_dir), True
            return
        yield lines or "Checking documents…", False


def rebuild(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None) -> str:
    """Rebuild and return the final status (the API's ``/rebuild``)."""
    last = ""
    for last, _ in rebuild_steps(corpus_dir, index_dir):
        pass
    return last


def may_change(request) -> None:
    if readonly():
        raise InputError("The documents are read-only here (CARTQA_READONLY is set).")
    if os.environ.get("CARTQA_AUTH") and not getattr(request, "username", None):
        raise InputError("Log in to change the documents.")




def _names(index_dir) -> list[str]:
    try:
        return [d.name for d in documents.list_documents(config.index_dir(index_dir))]
    except CartqaError:
        return []


def documents_panel(gr, demo, chat, corpus_dir=None, index_dir=None) -> None:
    """The Documents accordion and, under it, the index status line with its Rebuild button."""
    ro = readonly()
    kinds = documents.supported_suffixes()
    with gr.Accordion("Documents", open=False, elem_id="documents"):
        table = gr.HTML(documents_table(corpus_dir, index_dir), elem_id="doc-list", apply_default_css=False)
        if ro:
            gr.HTML("<p>Read-only: documents cannot be added or deleted here.</p>", apply_default_css=False)
        else:
            mb = documents.max_upload_bytes() / 1048576
            upload = gr.File(label=f"Add documents ({', '.join(kinds)}; up to {mb:.0f} MB each): drop files "
                             "here or click to choose", file_count="multiple", file_types=list(kinds),
                             type="filepath", elem_id="upload")
            with gr.Row(equal_height=True, elem_id="delete-row"):
                pick = gr.Dropdown(choices=_names(index_dir), value=None, label="Document to delete",
                                   elem_id="doc-pick", scale=3, allow_custom_value=False)
                delete = gr.Button("Delete…", variant="stop", elem_id="delete", scale=1, min_width=100)
            with gr.Group(visible=False, elem_id="confirm") as confirm:
                question = gr.HTML("", apply_default_css=False, elem_id="confirm-text")
                with gr.Row():
                    yes = gr.Button("Yes, delete it", variant="stop", elem_id="confirm-delete")
                    no = gr.Button("Cancel", elem_id="cancel-delete")
    with gr.Row(elem_id="index-row", equal_height=True):
        status = gr.HTML(status_html(index_status(corpus_dir, index_dir)), elem_id="index-status",
                         apply_default_css=False)
        rebuild_button = gr.Button("Rebuild index", size="sm", scale=0, min_width=130, elem_id="rebuild")

    busy = [rebuild_button] if ro else [rebuild_button, upload, delete, yes]
    outputs = [status, table, *([] if ro else [pick]), *busy]

    def building(prefix: str, done: str):
        _BUILDING.set()
        try:
            for lines, finished in rebuild_steps(corpus_dir, index_dir, done):
                text = f"{prefix}\n{lines}" if prefix else lines
                lists = ([documents_table(corpus_dir, index_dir)] + ([] if ro else [
                    gr.update(choices=_names(index_dir), value=None)])) if finished else [gr.skip()] * (1 + (not ro))
                yield (status_html(text), *lists, *[gr.update(interactive=finished)] * len(busy))
        finally:
            _BUILDING.clear()

    def refresh():
        if _BUILDING.is_set():  # a build is showing its progress there: leave it
            return (gr.skip(),) * (2 + (not ro))
        return (status_html(index_status(corpus_dir, index_dir)), documents_table(corpus_dir, index_dir),
                *([] if ro else [gr.update(choices=_names(index_dir))]))

    for event in (demo.load, chat.change):
        event(refresh, None, outputs[:2 + (not ro)], api_visibility="private", queue=False, show_progress="hidden")
    rebuild_button.click(lambda: (yield from building("", "Rebuilt")), None, outputs, api_name="rebuild",
                         concurrency_id="build", concurrency_limit=1, show_progress="hidden")
    if ro:
        return

    def uploaded(files, request: gr.Request):
        def stop(message: str):
            return (status_html(message), *[gr.skip()] * (len(outputs) - 1))
        try:
            may_change(request)
        except InputError as exc:
            yield stop(str(exc))
            return
        saved, problems = [], []
        for path in files if isinstance(files, list) else [files] if files else []:
            try:
                saved.append(documents.save_upload(config.corpus_dir(corpus_dir), path, Path(path).name))
            except (CartqaError, OSError) as exc:
                problems.append(public(exc, corpus_dir, index_dir))
        lines = [f"Added {', '.join(saved)}."] if saved else []
        prefix = "\n".join(lines + problems)
        if not saved:
            yield stop(prefix or "No file was uploaded.")
            return
        yield from building(prefix, "Indexed")

    uploaded.__annotations__["request"] = gr.Request  # a string under PEP 563; gradio needs the type
    upload.upload(uploaded, upload, outputs, api_visibility="private", concurrency_id="build",
                  concurrency_limit=1, show_progress="hidden").then(
        lambda: gr.update(value=None), None, upload, api_visibility="private", show_progress="hidden")

    def confirming(name):
        if not name:
            return gr.update(visible=False), "", status_html("Choose a document to delete first.")
        return (gr.update(visible=True),
                f"<p>Delete “{esc(name)}” from the corpus folder? Answers will no longer use it.</p>", gr.skip())

    delete.click(confirming, pick, [confirm, question, status], api_visibility="private", show_progress="hidden")
    no.click(lambda: gr.update(visible=False), None, confirm, api_visibility="private", show_progress="hidden")

    def deleting(name, request: gr.Request):
        try:
            may_change(request)
            documents.delete_document(config.corpus_dir(corpus_dir), config.index_dir(index_dir), name or "")
        except CartqaError as exc:
            yield (gr.update(visible=False), status_html(public(exc, corpus_dir, index_dir)),
                   *[gr.skip()] * (len(outputs) - 1))
            return
        for out in building(f"Deleted {name}.", "Updated"):
            yield (gr.update(visible=False), *out)

    deleting.__annotations__["request"] = gr.Request
    yes.click(deleting, pick, [confirm, *outputs], api_visibility="private", concurrency_id="build",
              concurrency_limit=1, show_progress="hidden")
