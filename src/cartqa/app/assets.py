"""The chat's CSS and its two small scripts (run by ``gr.HTML(js_on_load=...)``).

The scripts never insert text as HTML: the server sends escaped HTML, and the
scripts only open, scroll, focus and pass a button's data attributes to the server.
"""

# Colours are set with their text colour, so contrast holds (WCAG AA) on the light and dark themes.
CSS = """
.gradio-container { max-width: 60rem !important; margin: 0 auto;
  /* Gradio's orange (white on #f97316 is 2.8:1) and red buttons fail AA contrast: darker shades. */
  --button-primary-background-fill: #c2410c; --button-primary-background-fill-hover: #9a3412;
  --button-primary-text-color: #ffffff; --button-primary-border-color: #c2410c;
  --button-cancel-background-fill: #b91c1c; --button-cancel-background-fill-hover: #991b1b;
  --button-cancel-text-color: #ffffff; --button-cancel-border-color: #b91c1c; }
footer a, footer button, footer .built-with, footer .show-api, footer .settings { color: #374151 !important; }
.dark footer a, .dark footer button, .dark footer .built-with, .dark footer .show-api,
.dark footer .settings { color: #e5e7eb !important; }
.top h1 { margin: 0.2em 0 0.1em; font-size: 1.7rem; }
.top p { margin: 0 0 0.6em; }
#chat { overflow-wrap: anywhere; line-height: 1.5; }
#chat .empty p { padding: 0.8em 1em; border: 1px dashed var(--border-color-primary); border-radius: 8px; }
#chat .turn { margin: 0.6em 0; padding: 0.6em 0.9em; border-radius: 10px; }
#chat .turn.user { background: var(--background-fill-secondary); margin-left: 12%; }
#chat .turn.bot { border: 1px solid var(--border-color-primary); }
#chat .who { margin: 0 0 0.2em; font-size: 0.8rem; font-weight: 600; text-transform: uppercase;
             letter-spacing: 0.04em; color: #374151; }
.dark #chat .who { color: #e5e7eb; }
#chat p { margin: 0.3em 0; }
#chat .answer { font-size: 1.08rem; }
#chat .answer.refusal { display: flex; gap: 0.5em; align-items: flex-start; }
#chat .answer.refusal .icon { flex: none; margin-top: 0.2em; color: #1d4ed8; }
.dark #chat .answer.refusal .icon { color: #93c5fd; }
#chat .label { font-weight: 600; }
#chat mark, #viewer mark { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
#chat a.cite { color: #1d4ed8; text-decoration: underline; padding: 0 0.15em; }
.dark #chat a.cite { color: #93c5fd; }
#chat details.sources { margin-top: 0.5em; }
#chat details.sources > summary { cursor: pointer; font-weight: 600; padding: 0.3em 0; }
#chat .doc { margin: 0.3em 0 0.6em; }
#chat .doc-name { margin: 0.4em 0 0.2em; font-size: 0.95rem; }
#chat .doc ol { margin: 0; padding-left: 0.2em; list-style: none; }
#chat .doc li { margin: 0.2em 0 0.7em; }
#chat .meta { font-size: 0.88rem; color: #374151; }
.dark #chat .meta { color: #e5e7eb; }
#chat blockquote.passage { margin: 0.2em 0 0.4em; padding-left: 0.7em; border-left: 3px solid #9ca3af; }
#chat button.open-doc, #chat button.suggest, #viewer button.close-doc {
  font: inherit; font-size: 0.9rem; min-height: 2.2em; padding: 0.2em 0.8em; border-radius: 6px; cursor: pointer;
  border: 1px solid #4b5563; background: #ffffff; color: #1f2937; text-align: left; }
.dark #chat button.open-doc, .dark #chat button.suggest, .dark #viewer button.close-doc {
  background: #1f2937; color: #f9fafb; border-color: #9ca3af; }
#chat ul.suggestions { list-style: none; padding: 0; margin: 0.3em 0; display: flex; flex-direction: column; gap: 0.4em; }
#chat :focus-visible, #viewer :focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
#viewer .viewer { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 0.6em 0.9em; }
#viewer .viewer-title { margin: 0.5em 0 0.3em; font-size: 1.05rem; }
#viewer .doc-text { white-space: pre-wrap; max-height: 60vh; overflow-y: auto; line-height: 1.5;
                    overflow-wrap: anywhere; }
#viewer .doc-text strong { text-decoration: underline; }
#ask-row { align-items: flex-end; }
#ask { min-height: 2.8em; }
#question textarea::placeholder { color: #4b5563; opacity: 1; }
.dark #question textarea::placeholder { color: #d1d5db; }
/* Gradio's upload hint ("- or -") and the empty dropdown are light grey (1.9:1). */
#upload .or, #doc-pick input::placeholder { color: #4b5563 !important; opacity: 1; }
.gradio-container input.subdued { color: #4b5563 !important; }
.dark #upload .or, .dark #doc-pick input::placeholder, .dark .gradio-container input.subdued { color: #d1d5db !important; }
#examples { align-items: center; flex-wrap: wrap; gap: 0.4em; }
#examples > * { flex: 0 1 auto !important; min-width: 0 !important; width: auto !important; }
#examples .examples-label { margin: 0 0.3em 0 0; font-weight: 600; white-space: nowrap; }
#examples button { white-space: normal !important; text-align: left; max-width: 100%; }
#index-status p { margin: 0.15em 0; font-size: 0.92rem; }
#index-row { align-items: center; }
table.docs { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.docs caption { text-align: left; font-weight: 600; padding: 0.3em 0; }
table.docs th, table.docs td { border-bottom: 1px solid var(--border-color-primary); padding: 0.3em 0.4em;
                               text-align: left; white-space: nowrap; }
table.docs td:first-child, table.docs td:last-child { white-space: normal; overflow-wrap: anywhere; }
@media (max-width: 640px) {  /* a card per document: a six-column table does not fit a phone */
  table.docs thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.docs, table.docs tbody, table.docs tr, table.docs td { display: block; width: auto; }
  table.docs tr { border-bottom: 1px solid var(--border-color-primary); padding: 0.3em 0; }
  table.docs td { border: 0; padding: 0.1em 0.2em; white-space: normal; overflow-wrap: anywhere; }
  table.docs td::before { content: attr(data-label) ": "; font-weight: 600; }
}
/* These outputs show their own progress lines; Gradio's overlay would be drawn over them. */
#chat [data-testid="status-tracker"], #viewer [data-testid="status-tracker"],
#index-status [data-testid="status-tracker"], #doc-list [data-testid="status-tracker"] { display: none !important; }
"""

# The conversation: a citation opens its source; "Open in the document" and a suggested
# question go to the server as data (never as HTML); a new reply scrolls its question to the top.
CHAT_JS = """
element.addEventListener('click', (event) => {
  const cite = event.target.closest('a.cite');
  if (cite) {
    event.preventDefault();
    const target = element.querySelector('#' + CSS.escape(cite.getAttribute('href').slice(1)));
    if (target) {
      const box = target.closest('details');
      if (box) box.open = true;
      target.scrollIntoView({block: 'center'});
      target.focus({preventScroll: true});
    }
    return;
  }
  const open = event.target.closest('button.open-doc');
  if (open) {
    window.cartqaOpener = open.getAttribute('aria-label');
    trigger('click', {doc: open.dataset.doc, start: Number(open.dataset.start), end: Number(open.dataset.end),
                      mark_start: Number(open.dataset.markStart), mark_end: Number(open.dataset.markEnd)});
    return;
  }
  const suggestion = event.target.closest('button.suggest');
  if (suggestion) trigger('click', {q: suggestion.dataset.q});
});
watch('value', () => {
  const asked = element.querySelectorAll('.turn.user');
  if (asked.length) asked[asked.length - 1].scrollIntoView({block: 'start'});
});
"""

# The document viewer: scroll to the passage and focus it; "Close" returns to the button that opened it.
VIEWER_JS = """
watch('value', () => {
  const here = element.querySelector('#viewer-here');
  if (here) { here.scrollIntoView({block: 'center'}); here.focus({preventScroll: true}); }
});
element.addEventListener('click', (event) => {
  if (!event.target.closest('button.close-doc')) return;
  props.value = '';
  const label = window.cartqaOpener;
  const back = label && document.querySelector('#chat button.open-doc[aria-label="' + CSS.escape(label) + '"]');
  if (back) { back.scrollIntoView({block: 'center'}); back.focus({preventScroll: true}); }
});
"""
