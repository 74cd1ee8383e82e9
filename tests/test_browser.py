"""The chat as its users see it: headless Chromium (Debian's ``chromium`` package, since
Playwright's own browser download is not reachable offline) driven by Playwright against
``app.py``, launched once per session by ``conftest.launched_app``.

Every test leaves a screenshot in ``test-artifacts/browser/`` (git-ignored).
``make screenshots`` sets ``CARTQA_SCREENSHOTS=docs`` to refresh the screenshots in docs/:
an answer with its sources open, a passage-only answer and a refusal, on a desktop
(1280x800) and a phone (390x844).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from cartqa.app.ui import EXAMPLES
from cartqa.pipeline.qa import MODES

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-extensions", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The first answer may still wait for the models the app warms up at start.
ANSWER_TIMEOUT_MS = 120_000
STEP_TIMEOUT_MS = 30_000

QUESTION = "When was the National Cancer Institute of Milan established?"
UNANSWERABLE = "Who won the 2006 World Cup?"  # nothing in the documents is about it: a refusal, not a passage
EXAMPLE, EXAMPLE_ANSWER = "How many inpatient beds does INT have?", "464"
NEW_DOC = "zz-browser-test-note.txt"
PLANTED = "planted.invalid"


def _chromium() -> str:
    path = os.environ.get("CARTQA_CHROMIUM") or "/usr/bin/chromium"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"Chromium not found at {path}. Install it with `make chromium` (Debian's chromium "
                    "package) or point CARTQA_CHROMIUM at a Chromium binary; deselect these tests with "
                    "-m 'not browser'.", pytrace=False)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def context(browser) -> Iterator[BrowserContext]:
    """One browser profile for the module, so the app's scripts are fetched once."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", device_scale_factor=1)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    yield context
    context.close()


def _open(context: BrowserContext, url: str, viewport: dict = DESKTOP) -> Page:
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_editable()
    return page


def _shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path)
    return path


@pytest.fixture
def page(context, launched_app, request) -> Iterator[Page]:
    """A fresh desktop page; its last state is saved as a screenshot, pass or fail."""
    page = _open(context, launched_app.url)
    yield page
    _shot(page, request.node.name)
    page.close()


def _ask(page: Page, question: str, submit: str = "Enter") -> Locator:
    """Send ``question``; return the bot's turn once its reply is final."""
    replies = page.locator("#chat .turn.bot")
    before = replies.count()
    box = page.locator("#question textarea")
    box.fill(question)
    if submit == "Enter":
        box.press("Enter")
    else:
        page.locator("#ask").click()
    expect(replies).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    reply = replies.nth(before)
    expect(reply.locator(".reply")).not_to_have_class(re.compile(r"\bpending\b"), timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#ask")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    return reply


@pytest.fixture(scope="module")
def answered(context, launched_app) -> Iterator[tuple[Page, Locator]]:
    """One desktop page that asked :data:`QUESTION`, shared by the tests that look at its answer."""
    page = _open(context, launched_app.url)
    try:
        yield page, _ask(page, QUESTION)
    finally:
        page.set_viewport_size(DESKTOP)
        _shot(page, "answered")
        page.close()


def _open_sources(reply: Locator) -> Locator:
    """Open the reply's sources (if closed); return the first highlighted answer."""
    details = reply.locator("details.sources")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    mark = reply.locator("details.sources mark").first
    expect(mark).to_be_visible()
    return mark


def _lead_location(launched_app, needle: str) -> str:
    """The place (page, heading, line) the index gives the chunk holding ``needle``, or ""."""
    index = launched_app.corpus.parent / "index"
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    with open(index / manifest["build_id"] / "chunks.jsonl", encoding="utf-8") as fh:
        chunks = [json.loads(line) for line in fh if line.strip()]
    return next((c.get("location", "") for c in chunks if needle in c["text"]), "")


# --- answers, sources, refusals -------------------------------------------------------------

def test_answer_is_its_sentence_with_a_citation(answered, launched_app):
    page, reply = answered
    expect(reply.locator(".answer mark strong")).to_have_text("1928")
    expect(reply.locator(".answer")).to_contain_text("established in 1928")
    cite = reply.locator(".answer a.cite")
    expect(cite).to_have_text("[1]")
    target = cite.get_attribute("href")
    cite.click()  # opens the sources at source 1 and moves the focus there
    source = reply.locator(target)
    expect(source).to_be_visible()
    expect(source).to_be_focused()
    meta = source.locator(".meta")
    expect(meta).to_contain_text(re.compile(r"^\[1\] .*has the answer$"))
    where = _lead_location(launched_app, "established in 1928")
    if where:  # the ingestion stage gives a place (page, heading, line): it is shown
        expect(meta).to_contain_text(where)
    expect(source.locator("mark")).to_contain_text("1928")
    expect(page.locator("#index-status")).to_contain_text(re.compile(r"Index: 1 document, \d+ chunks, built "))


def test_sources_are_grouped_and_open_their_document_in_the_page(answered):
    page, reply = answered
    _open_sources(reply)
    names = reply.locator(".doc-name").all_inner_texts()
    assert len(names) == len(set(names)), names  # one group per document
    assert "relevance" not in reply.inner_text()
    opener = reply.locator("button.open-doc").first
    opener.click()
    here = page.locator("#viewer #viewer-here")
    expect(here).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(here).to_contain_text("1928")
    expect(here).to_be_focused()
    expect(page.locator("#viewer .viewer-title")).to_have_text("lombardy-car-t-research.txt")
    page.locator("#viewer button.close-doc").click()
    expect(here).to_have_count(0)
    expect(opener).to_be_focused()


def test_refusal_names_the_question_shows_passages_and_suggests(page):
    reply = _ask(page, UNANSWERABLE)
    expect(reply.locator(".answer")).to_have_text(f"The documents don't answer “{UNANSWERABLE}”")
    icon = reply.locator(".answer svg.icon")
    box = icon.bounding_box()
    assert box and box["width"] >= 12 and box["height"] >= 12  # drawn, not a missing glyph
    assert not re.search(r"[\U0001F000-\U0001FFFF\uFFFD]", reply.inner_text())
    expect(reply.locator("details.sources")).to_have_attribute("open", "")
    expect(reply.locator("details.sources blockquote").first).to_be_visible()
    suggestions = reply.locator("button.suggest")
    assert 1 <= suggestions.count() <= 2, reply.inner_text()
    suggested = suggestions.first.inner_text()
    turns = page.locator("#chat .turn.bot")
    suggestions.first.click()
    expect(turns).to_have_count(2, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#chat .turn.user").last).to_have_text(re.compile(re.escape(suggested)))
    expect(turns.last.locator(".answer.refusal")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
    expect(turns.last.locator("a.cite")).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)


def test_empty_submit_adds_no_bubble(page):
    box = page.locator("#question textarea")
    box.fill("")
    box.press("Enter")
    box.fill("   ")
    page.locator("#ask").click()
    _ask(page, EXAMPLE)
    expect(page.locator("#chat .turn.user")).to_have_count(1)
    expect(page.locator("#chat .turn.bot")).to_have_count(1)


def test_example_question_is_answered(page):
    assert EXAMPLE in EXAMPLES
    page.locator("#examples").get_by_role("button", name=EXAMPLE).click()
    expect(page.locator("#chat .turn.user").first).to_contain_text(EXAMPLE)
    reply = page.locator("#chat .turn.bot").first
    expect(reply.locator(".answer mark")).to_contain_text(EXAMPLE_ANSWER, timeout=ANSWER_TIMEOUT_MS)


def test_settings_offer_the_answer_modes(page):
    page.get_by_text("Answer settings").click()
    radios = page.get_by_role("radio")
    expect(radios).to_have_count(len(MODES))
    assert [r.get_attribute("value") for r in radios.all()] == list(MODES)
    expect(page.get_by_role("radio", name="extractive")).to_be_checked()


def test_keyboard_asks_opens_sources_and_rebuilds(page):
    box = page.get_by_role("textbox", name="Your question")
    box.focus()
    page.keyboard.type(EXAMPLE)
    page.keyboard.press("Enter")
    reply = page.locator("#chat .turn.bot").first
    cite = reply.locator("a.cite")
    expect(cite).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    cite.focus()
    page.keyboard.press("Enter")
    source = reply.locator(cite.get_attribute("href"))
    expect(source).to_be_focused()
    page.keyboard.press("Tab")
    expect(source.locator("button.open-doc")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#viewer #viewer-here")).to_be_focused(timeout=STEP_TIMEOUT_MS)
    rebuild = page.get_by_role("button", name="Rebuild index")
    rebuild.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#index-status")).to_contain_text("Rebuilt: ", timeout=ANSWER_TIMEOUT_MS)


# --- rebuild progress and the Documents panel -------------------------------------------------

RECORD = """() => {
    window.statusSeen = []; window.rebuildDisabled = [];
    new MutationObserver(() => {
        const s = document.querySelector('#index-status');
        const b = document.querySelector('#rebuild');
        if (s) window.statusSeen.push(s.innerText);
        if (b) window.rebuildDisabled.push(b.disabled);
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def _monotonic(texts: list[str]) -> None:
    """Each stage's "n of N" never goes down, and no raw progress-bar text shows."""
    best: dict[str, int] = {}
    for text in texts:
        assert not re.search(r"queue:|\d+/\d+ steps|Batches|\d+\.\d+s\b", text), text
        for line in text.splitlines():
            m = re.match(r"([A-Z][\w ]+): (\d+) of (\d+)", line)
            if m:
                assert int(m.group(2)) >= best.get(m.group(1), 0), texts
                best[m.group(1)] = int(m.group(2))


def test_rebuild_shows_stage_lines_and_is_disabled_meanwhile(page, launched_app):
    status = page.locator("#index-status")
    rebuild = page.get_by_role("button", name="Rebuild index")
    page.evaluate(RECORD)
    new_doc = launched_app.corpus / NEW_DOC
    new_doc.write_text("The ferry timetable of Lake Como changes every spring.\n", encoding="utf-8")
    try:
        rebuild.click()
        expect(status).to_contain_text("Rebuilt: added 1,", timeout=ANSWER_TIMEOUT_MS)
        expect(status).to_contain_text(re.compile(r"Index: 2 documents, \d+ chunks, built "))
        expect(rebuild).to_be_enabled()
        seen = page.evaluate("window.statusSeen")
        assert True in page.evaluate("window.rebuildDisabled"), "Rebuild stayed clickable while it ran"
        assert any(re.search(r"Checking documents|Embedding|Reading|Writing the index|Loading", s) for s in seen), seen
        _monotonic(seen)
    finally:
        new_doc.unlink(missing_ok=True)
    rebuild.click()
    expect(status).to_contain_text("Rebuilt: added 0, updated 0, removed 1,", timeout=ANSWER_TIMEOUT_MS)
    expect(status).to_contain_text("Index: 1 document,")


def test_documents_panel_upload_ask_delete(page, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in ("The Bellagio ferry office lies near the harbour.",
                 "The Bellagio ferry was launched in 1911 by the lake company."):
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    doc = tmp_path / "zz-bellagio-ferry.pdf"
    doc.write_bytes(bytes(pdf.output()))
    question = "When was the Bellagio ferry launched?"
    page.locator("#documents").get_by_text("Documents", exact=True).click()
    page.evaluate(RECORD)
    page.locator("#upload input[type=file]").set_input_files(str(doc))
    status = page.locator("#index-status")
    expect(status).to_contain_text("Indexed: added 1", timeout=ANSWER_TIMEOUT_MS)
    seen = page.evaluate("window.statusSeen")
    assert any(f"Added {doc.name}." in s and "Indexed:" not in s for s in seen), seen  # progress, before done
    _monotonic(seen)
    expect(page.locator("#doc-list")).to_contain_text(doc.name)
    reply = _ask(page, question)
    expect(reply.locator(".answer mark")).to_contain_text("1911")
    expect(reply.locator(".doc-name").first).to_have_text(doc.name)
    expect(reply.locator(".sources .meta").first).to_contain_text("p. 2")  # cited by its page

    page.locator("#doc-pick input").click()
    page.get_by_role("option", name=doc.name).click()
    page.get_by_role("button", name="Delete…").click()
    expect(page.locator("#confirm-text")).to_contain_text(doc.name)
    page.get_by_role("button", name="Yes, delete it").click()
    expect(status).to_contain_text(f"Deleted {doc.name}.", timeout=ANSWER_TIMEOUT_MS)
    expect(status).to_contain_text("Updated: added 0, updated 0, removed 1", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#doc-list")).not_to_contain_text(doc.name)
    again = _ask(page, question)
    expect(again).not_to_contain_text(doc.name)
    expect(again).not_to_contain_text("1911")


# --- untrusted text -----------------------------------------------------------------------------

PAYLOAD_DOC = "zz-kite <b>festival<i> <img src=x onerror=alert(7)>.txt"  # no "/": a path separator
PAYLOAD_TEXT = f"""The kite festival of Lugano was founded in 1983 by the lake rowing club.
<script>window.__pwned = 1</script> <img src="http://{PLANTED}/img.png" onerror="window.__pwned = 2">
See [the council](http://{PLANTED}/md-link) and ![logo](http://{PLANTED}/md-image.png).
<a href="javascript:window.__pwned = 3">click here</a> <iframe src="http://{PLANTED}/frame"></iframe>
Visit http://{PLANTED}/bare or <http://{PLANTED}/angle> for the kite festival programme.
"""
PAYLOAD_QUESTION = (f'When was the kite festival of Lugano founded? <img src="http://{PLANTED}/q.png" '
                    f'onerror="window.__pwned = 4"> [x](javascript:window.__pwned=5) <script>window.__pwned=6</script>')


def test_planted_payloads_stay_text(page, launched_app):
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    planted = launched_app.corpus / PAYLOAD_DOC
    planted.write_text(PAYLOAD_TEXT, encoding="utf-8")
    try:
        reply = _ask(page, PAYLOAD_QUESTION)
        expect(reply).to_contain_text("kite festival")
        _open_sources(reply) if reply.locator("details.sources mark").count() else None
        opener = reply.locator(f'button.open-doc[data-doc="{PAYLOAD_DOC}"]').first
        opener.click()
        expect(page.locator("#viewer #viewer-here")).to_be_visible(timeout=STEP_TIMEOUT_MS)
        expect(page.locator("#viewer .doc-text")).to_contain_text("<script>window.__pwned = 1</script>")
        expect(page.locator("#chat .turn.user").last).to_contain_text("<img src=")
        expect(reply.locator(".doc-name").filter(has_text="kite")).to_have_text(PAYLOAD_DOC)
        for where in ("#chat", "#viewer"):
            live = page.locator(f"{where} img, {where} iframe, {where} script, {where} a:not(.cite)")
            expect(live).to_have_count(0)
        assert page.evaluate("window.__pwned") is None
        assert not dialogs, dialogs
        assert not [u for u in requests if PLANTED in u], requests
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if PLANTED in h or h.lower().startswith("javascript")], hrefs
    finally:
        planted.unlink(missing_ok=True)
        page.get_by_role("button", name="Rebuild index").click()
        expect(page.locator("#index-status")).to_contain_text("Index: 1 document,", timeout=ANSWER_TIMEOUT_MS)


# --- layout and accessibility ---------------------------------------------------------------------

OVERLAPS = """() => {
    const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'; };
    const controls = [...document.querySelectorAll('button, a[href], input, textarea, select, summary, [role=button]')]
        .filter(visible);
    const texts = [...document.querySelectorAll('p, li, blockquote, h1, h2, h3, h4, td, th, #viewer .doc-text')]
        .filter(visible);
    const hits = [];
    for (const c of controls) for (const t of texts) {
        if (c.contains(t) || t.contains(c)) continue;
        const a = c.getBoundingClientRect(), b = t.getBoundingClientRect();
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 2 && h > 2) hits.push(`${c.outerHTML.slice(0, 80)} over ${t.outerHTML.slice(0, 80)}`);
    }
    return hits;
}"""
INNER_SCROLL = """() => [...document.querySelectorAll('#chat, #chat *')].filter(el => {
    const s = getComputedStyle(el).overflowY;
    return (s === 'auto' || s === 'scroll') && el.scrollHeight > el.clientHeight + 1;
}).map(el => el.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_layout_has_no_overlaps_and_the_page_scrolls(answered, name, viewport):
    page, reply = answered
    page.set_viewport_size(viewport)
    _open_sources(reply)
    answer = reply.locator(".answer")
    answer.scroll_into_view_if_needed()
    reply.locator("details.sources > summary").click()  # close and open again: the answer stays in view
    reply.locator("details.sources > summary").click()
    box = answer.bounding_box()
    assert box and 0 <= box["y"] < viewport["height"], f"the answer left the view on {name}: {box}"
    assert page.evaluate(OVERLAPS) == []
    assert page.evaluate(INNER_SCROLL) == [], "the chat scrolls inside a box"
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"page overflows sideways at {viewport['width']} px: {width}"
    assert page.evaluate("document.scrollingElement.scrollHeight > window.innerHeight")  # the page scrolls


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_empty_page_with_panels_open_has_no_overlaps(context, launched_app, name, viewport):
    page = _open(context, launched_app.url, viewport)
    try:
        expect(page.locator("#examples button").first).to_be_visible()
        page.get_by_text("Answer settings").click()
        page.locator("#documents").get_by_text("Documents", exact=True).click()
        expect(page.locator("#doc-list table")).to_be_visible()
        assert page.evaluate(OVERLAPS) == []
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"page overflows sideways at {viewport['width']} px: {width}"
    finally:
        _shot(page, f"empty-{name}")
        page.close()


def _serious(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in found
            if v["impact"] in ("serious", "critical")]


def test_axe_finds_nothing_serious(context, launched_app):
    page = _open(context, launched_app.url)
    try:
        assert _serious(page) == [], "empty chat"
        reply = _ask(page, QUESTION)
        _open_sources(reply)
        assert _serious(page) == [], "answer with sources open"
        _ask(page, UNANSWERABLE)
        assert _serious(page) == [], "refusal"
        page.locator("#documents").get_by_text("Documents", exact=True).click()
        page.get_by_text("Answer settings").click()
        expect(page.locator("#doc-list table")).to_be_visible()
        assert _serious(page) == [], "Documents panel and settings open"
        page.locator("#doc-pick input").click()
        page.get_by_role("option").first.click()
        page.get_by_role("button", name="Delete…").click()
        expect(page.get_by_role("button", name="Cancel")).to_be_visible()
        assert _serious(page) == [], "delete confirmation"
        page.get_by_role("button", name="Cancel").click()
        unnamed = page.evaluate("""() => [...document.querySelectorAll('button, textarea, input, select, summary, a[href]')]
            .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
            .filter(el => !((el.labels && el.labels[0] && el.labels[0].innerText.trim()) || el.getAttribute('aria-label')
                            || el.innerText.trim() || el.getAttribute('title') || el.getAttribute('aria-labelledby')))
            .map(el => el.outerHTML.slice(0, 120))""")
        assert unnamed == [], unnamed
    finally:
        _shot(page, "axe")
        page.close()


def test_axe_finds_nothing_serious_on_the_dark_theme(browser, launched_app):
    context = browser.new_context(viewport=PHONE, color_scheme="dark", device_scale_factor=1)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = _open(context, launched_app.url, PHONE)
    try:
        reply = _ask(page, QUESTION)
        _open_sources(reply)
        assert _serious(page) == [], "answer with sources open, dark"
        _ask(page, UNANSWERABLE)
        assert _serious(page) == [], "refusal, dark"
    finally:
        _shot(page, "axe-dark")
        context.close()


# --- screenshots for docs/ ---------------------------------------------------------------------------

FERRY_DOC = "zz-como-ferry-office.txt"
FERRY_TEXT = ("The Como ferry office has four departments: ticketing, timetables, lost property and bicycle hire.\n\n"
              "The Como ferry office opened in 1911 near the harbour.\n")


def _save(page: Page, name: str) -> None:
    shot = _shot(page, name)
    if os.environ.get("CARTQA_SCREENSHOTS"):
        target = REPO / os.environ["CARTQA_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target / shot.name)


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshot_of_an_answer_with_sources(answered, name, viewport):
    page, reply = answered
    page.set_viewport_size(viewport)
    _open_sources(reply)
    page.locator("#chat .turn.user").first.scroll_into_view_if_needed()
    page.locator("#chat .turn.user").first.evaluate("el => el.scrollIntoView({block: 'start'})")
    expect(reply.locator(".answer mark")).to_be_in_viewport()
    _save(page, f"screenshot-{name}")


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshot_of_a_refusal(context, launched_app, name, viewport):
    page = _open(context, launched_app.url, viewport)
    try:
        reply = _ask(page, UNANSWERABLE)
        page.locator("#chat .turn.user").first.evaluate("el => el.scrollIntoView({block: 'start'})")
        expect(reply.locator(".answer")).to_be_in_viewport()
        _save(page, f"screenshot-refusal-{name}")
    finally:
        page.close()


def test_screenshot_of_a_passage_only_answer(context, launched_app):
    ferry = launched_app.corpus / FERRY_DOC
    ferry.write_text(FERRY_TEXT, encoding="utf-8")
    page = _open(context, launched_app.url)
    try:
        reply = _ask(page, "What services does the Como ferry office offer?")
        # the sentence is the answer (with the span the reader found likeliest marked, if any)
        expect(reply.locator(".answer.passage-only")).to_contain_text("The Como ferry office has four departments")
        expect(reply.locator(".answer a.cite")).to_have_count(1)
        _open_sources(reply) if reply.locator("details.sources mark").count() else None
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.locator("#chat .turn.user").first.evaluate("el => el.scrollIntoView({block: 'start'})")
            _save(page, f"screenshot-passage-{name}")
    finally:
        ferry.unlink(missing_ok=True)
        page.get_by_role("button", name="Rebuild index").click()
        expect(page.locator("#index-status")).to_contain_text("Index: 1 document,", timeout=ANSWER_TIMEOUT_MS)
        page.close()

