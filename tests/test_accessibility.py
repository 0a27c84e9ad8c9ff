"""Accessibility of the real page in a real browser (BITV 2.0 / WCAG 2.1 AA, issue 11).

`streamlit run app.py` on a free loopback port, Debian's chromium driven by Playwright, and
axe-core (axe-playwright-python) for the automated part:

- axe after the page loads and again after a German answer with table, chart and map: no
  violation of impact serious or critical for the WCAG 2.1 A/AA rules; every other violation is
  printed (and listed in docs/accessibility.md);
- a German question on an English browser gives a German page and `<html lang="de">`;
- keyboard only: Tab to the question box, type, Enter, then Tab through the answer: table, the
  "how was this computed" expander, the CSV download, the feedback buttons, in page order, each
  with a visible focus indicator;
- a screenshot of the German answer (test-artifacts/screenshot-de-answer.png; the one in docs/
  is a copy of it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT, stop_process
from tests.test_browser import CHROMIUM_ARGS, _chromium, _free_port, _wait_healthy

pytestmark = pytest.mark.slow

QUESTION = "Wie schneidet Hagen bei Glasfaser ab?"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
ARTIFACTS = PROJECT_ROOT / "test-artifacts"

#: What the focused element is, and whether a focus indicator is drawn (outline or box-shadow).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const key = [...(e.closest('[class*="st-key-"]')?.classList || [])].find(c => c.startsWith('st-key-')) || '';
  return {
    tag: e.tagName, testid: e.closest('[data-testid]')?.getAttribute('data-testid') || '', key,
    label: (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 60),
    inAnswer: !!e.closest('[data-testid="stChatMessage"]'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
  };
}"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("a11y-home")
    port = _free_port()
    log = home / "streamlit.log"
    env = {**os.environ, "ASSISTANT_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("ASSISTANT_LLM", None)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process, log)
        yield f"http://127.0.0.1:{port}"
        assert "Traceback" not in log.read_text(errors="replace")
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    binary = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=binary, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, url: str, locale: str) -> Any:
    page = browser.new_context(viewport={"width": 1440, "height": 1900}, locale=locale).new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_test_id("stChatInputTextArea").wait_for(state="visible", timeout=60_000)
    page.locator("[class*='st-key-overview-map'] svg, [class*='st-key-overview-map'] canvas").first.wait_for(
        state="visible", timeout=60_000)
    return page


def wait_for_answer(page: Any, number: int = 2) -> Any:
    """The `number`-th chat message once its text, table, chart and map are drawn."""
    message = page.get_by_test_id("stChatMessage").nth(number - 1)
    message.get_by_text("Platz").first.wait_for(state="visible", timeout=60_000)
    for part in ("table", "chart", "map"):
        message.locator(f"[class*='st-key-{part}-'] canvas, [class*='st-key-{part}-'] svg").first.wait_for(
            state="visible", timeout=60_000)
    page.wait_for_timeout(800)  # chart transitions
    return message


def ask(page: Any, question: str) -> Any:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    return wait_for_answer(page)


def axe_violations(page: Any, moment: str) -> list[dict[str, Any]]:
    """Run axe-core for the WCAG 2.1 A/AA rules; print every violation; return them."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    violations: list[dict[str, Any]] = results.response["violations"]
    print(f"\naxe-core {results.response['testEngine']['version']}, {moment}: {len(violations)} violation(s)")
    for violation in violations:
        print(f"  {violation['id']} ({violation['impact']}), {len(violation['nodes'])} element(s): {violation['help']}")
        for node in violation["nodes"][:5]:
            print(f"    {node['target']}: {node['html'][:140]}")
    return violations


def test_axe_finds_no_serious_violation_on_load_or_after_a_german_answer(browser: Any, url: str) -> None:
    page = open_page(browser, url, "de-DE")
    on_load = axe_violations(page, "after the page loaded")
    ask(page, QUESTION)
    after_answer = axe_violations(page, "after a German answer with table, chart and map")
    page.screenshot(path=str(ARTIFACTS / "screenshot-de-answer.png"), full_page=True)
    blocking = [f"{v['id']} ({v['impact']})" for v in on_load + after_answer if v["impact"] in BLOCKING]
    assert not blocking, blocking
    page.context.close()


def test_german_question_on_an_english_browser_gets_a_german_page(browser: Any, url: str) -> None:
    page = open_page(browser, url, "en-US")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_test_id("stChatInputTextArea").get_attribute("placeholder").startswith("Your question")
    ask(page, QUESTION)
    deadline = time.monotonic() + 10
    while page.evaluate("document.documentElement.lang") != "de" and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.lang") == "de"  # the top document, not an iframe
    assert page.get_by_test_id("stChatInputTextArea").get_attribute("placeholder").startswith("Ihre Frage")
    assert page.get_by_role("button", name="Neues Gespräch").is_visible()
    assert page.get_by_text("Wie wurde das berechnet?").is_visible()
    ask_english = page.get_by_test_id("stChatInputTextArea")
    ask_english.fill("How does Essen compare on research?")
    ask_english.press("Enter")
    page.get_by_test_id("stChatMessage").nth(3).get_by_text("rank").first.wait_for(state="visible", timeout=60_000)
    deadline = time.monotonic() + 10
    while page.evaluate("document.documentElement.lang") != "en" and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert page.evaluate("document.documentElement.lang") == "en"  # and back, with the answer
    page.context.close()


def tab_until(page: Any, wanted: Any, limit: int = 80) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Press Tab until `wanted(focused)` holds; (that element, every element focused on the way)."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        seen.append(focused)
        if wanted(focused):
            return focused, seen
    raise AssertionError(f"not reached with {limit} Tab presses; focused on the way: {seen}")


def test_keyboard_only_question_answer_table_details_download_and_feedback(browser: Any, url: str) -> None:
    page = open_page(browser, url, "de-DE")
    tab_until(page, lambda f: f["testid"] == "stChatInputTextArea")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    wait_for_answer(page)
    # from the question box onwards through the page, back round to the question box
    _, seen = tab_until(page, lambda f: f["testid"] == "stChatInputTextArea")
    answer = [f for f in seen if f["inAnswer"]]

    def first(condition: Any) -> int:
        return next(n for n, f in enumerate(answer) if condition(f))

    table = first(lambda f: f["key"].startswith("st-key-table-"))
    details = first(lambda f: f["testid"] == "stExpander" and "Wie wurde das berechnet" in f["label"])
    download = first(lambda f: f["key"].startswith("st-key-csv-"))
    feedback = first(lambda f: f["testid"] == "stFeedbackButton")
    assert table < details < download < feedback, [f["label"] or f["testid"] for f in answer]
    invisible = [f for f in seen if not (f["outline"] or f["shadow"])]
    assert not invisible, f"focus not visible on {invisible}"
    # open the details with the keyboard, and rate with the keyboard
    tab_until(page, lambda f: f["testid"] == "stExpander" and "Wie wurde das berechnet" in f["label"])
    page.keyboard.press("Enter")
    page.get_by_text('"name"').first.wait_for(state="visible", timeout=10_000)
    tab_until(page, lambda f: f["testid"] == "stFeedbackButton")
    page.keyboard.press("Enter")
    page.get_by_text("Danke für Ihre Rückmeldung.").wait_for(state="visible", timeout=10_000)
    page.context.close()
