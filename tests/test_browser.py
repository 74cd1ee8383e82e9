"""The chat as its users see it: headless Chromium (Debian's ``chromium`` package, since
Playwright's own browser download is not reachable offline) driven by Playwright against
``app.py``, launched once per session by ``conftest.launched_app``.

Every test leaves a screenshot in ``test-artifacts/browser/`` (git-ignored).
``make screenshots`` sets ``CARTQA_SCREENSHOTS=docs`` to refresh the README's
``docs/screenshot-desktop.png`` and ``docs/screenshot-phone.png``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    expect,
    sync_playwright,
)

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
ANSWER_TIMEOUT_MS = 90_000
STEP_TIMEOUT_MS = 30_000

QUESTION = "When was the National Cancer Institute of Milan established?"
UNANSWERABLE = "Who is the mayor of Milan?"
EXAMPLE, EXAMPLE_ANSWER = "How many inpatient beds does INT have?", "464"
NEW_DOC = "zz-browser-test-note.txt"


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


@pytest.fixture
def page(context, launched_app, request) -> Iterator[Page]:
    """A fresh desktop page; its last state is saved as a screenshot, pass or fail."""
    page = _open(context, launched_app.url)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png")
    page.close()


def _ask(page: Page, question: str) -> Locator:
    """Send ``question``; return the reply once its last streamed part (the sources) is in."""
    replies = page.locator("#chat [data-testid='bot']")
    before = replies.count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(replies).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    reply = replies.nth(before)
    expect(reply.locator("details > summary")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    return reply


@pytest.fixture(scope="module")
def answered(context, launched_app) -> Iterator[tuple[Page, Locator]]:
    """One desktop page that asked :data:`QUESTION`, shared by the tests that look at its answer."""
    page = _open(context, launched_app.url)
    try:
        yield page, _ask(page, QUESTION)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=ARTIFACTS / "answered.png")
        page.close()


def _open_sources(reply: Locator) -> Locator:
    """Open the reply's Sources (if closed); return the first highlighted span."""
    if not reply.locator("details").evaluate("d => d.open"):
        reply.locator("details > summary").click()
    mark = reply.locator("details mark").first
    expect(mark).to_be_visible()
    return mark


def test_answer_shows_its_highlighted_source(answered):
    page, reply = answered
    expect(reply.locator("strong").first).to_have_text("1928")
    summary = reply.locator("details > summary")
    expect(summary).to_have_text(re.compile(r"^Sources \(\d\)$"))
    if not reply.locator("details").evaluate("d => d.open"):
        expect(reply.locator("details mark").first).to_be_hidden()  # sources start collapsed
    mark = _open_sources(reply)
    expect(mark).to_contain_text("1928")
    # The status line follows the index the answer was read from, even one built after page load.
    expect(page.locator("#index-status")).to_contain_text(re.compile(r"Index: 1 document, \d+ chunks, built "))


def test_unanswerable_question_gets_a_refusal(page):
    reply = _ask(page, UNANSWERABLE)
    expect(reply).to_contain_text("The documents don't say")
    assert reply.inner_text().lstrip().startswith("🔍 The documents don't say"), reply.inner_text()
    expect(reply.locator("details > summary")).to_have_text(re.compile(r"^Closest passages looked at"))
    expect(reply.locator("mark")).to_have_count(0)


def test_example_question_is_answered(page):
    assert EXAMPLE in EXAMPLES
    page.locator("#chat").get_by_text(EXAMPLE, exact=True).click()
    expect(page.locator("#chat [data-testid='user']").first).to_have_text(EXAMPLE)
    reply = page.locator("#chat [data-testid='bot']").first
    expect(reply.locator("details > summary")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(reply.locator("strong").first).to_contain_text(EXAMPLE_ANSWER)


def test_settings_offer_the_answer_modes(page):
    page.get_by_text("Answer settings").click()
    radios = page.get_by_role("radio")
    expect(radios).to_have_count(len(MODES))
    assert [r.get_attribute("value") for r in radios.all()] == list(MODES)
    expect(page.get_by_role("radio", name="extractive")).to_be_checked()


def test_rebuild_shows_progress_then_the_new_status(page, launched_app):
    status = page.locator("#index-status")
    rebuild = page.get_by_role("button", name="Rebuild index")
    rebuild.click()  # a baseline, in case the app's warm-up has not built the index yet
    expect(status).to_contain_text("Rebuilt: ", timeout=ANSWER_TIMEOUT_MS)
    expect(status).to_contain_text(re.compile(r"Index: 1 document, \d+ chunks, built "))
    # Progress may come and go between two polls, so record every progress text the page shows.
    page.evaluate("""() => {
        window.progressSeen = [];
        new MutationObserver(() => {
            for (const el of document.querySelectorAll('#index-status .progress-level, #index-status .progress-text'))
                window.progressSeen.push(el.textContent.trim());
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")
    new_doc = launched_app.corpus / NEW_DOC
    new_doc.write_text("The ferry timetable of Lake Como changes every spring.\n", encoding="utf-8")
    try:
        rebuild.click()
        expect(status).to_contain_text("Rebuilt: added 1,", timeout=ANSWER_TIMEOUT_MS)
        expect(status).to_contain_text(re.compile(r"Index: 2 documents, \d+ chunks, built "))
        seen = page.evaluate("window.progressSeen")
        assert any("Checking documents" in s or "Loading the new index" in s for s in seen), seen
    finally:
        new_doc.unlink(missing_ok=True)
    rebuild.click()
    expect(status).to_contain_text("Rebuilt: added 0, updated 0, removed 1,", timeout=ANSWER_TIMEOUT_MS)
    expect(status).to_contain_text("Index: 1 document,")


def _inside(inner: Locator, outer: Locator) -> bool:
    a, b = inner.bounding_box(), outer.bounding_box()
    return bool(a and b) and a["y"] >= b["y"] and a["y"] + a["height"] <= b["y"] + b["height"]


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshot_of_an_answer_with_sources(answered, name, viewport):
    page, reply = answered
    page.set_viewport_size(viewport)
    mark = _open_sources(reply)
    # Opening the sources scrolls the chat to its end. Show the question, answer and mark if
    # they fit (desktop), else the answer and mark (phone).
    for top in (page.locator("#chat [data-testid='user']").last, reply):
        top.evaluate("el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)  # let the scroll settle
        if _inside(mark, page.locator("#chat")):
            break
    assert _inside(mark, page.locator("#chat")), "the highlighted answer is scrolled out of the chat"
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"page overflows sideways at {viewport['width']} px: {width}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"screenshot-{name}.png"
    page.screenshot(path=shot)
    if os.environ.get("CARTQA_SCREENSHOTS"):
        target = REPO / os.environ["CARTQA_SCREENSHOTS"]
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target / shot.name)
