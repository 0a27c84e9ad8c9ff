"""The real page in a real browser: `streamlit run app.py` on a free loopback port, driven by
Playwright for Python with Debian's chromium (never a downloaded browser build).

Asks "Wie schneidet Hagen bei Glasfaser ab?", waits for the answer and checks that the table,
the chart and the map are visible; then asks three follow-ups. Prints the measured latencies (goal:
first answer after start < 3 s, later answers < 1 s) and saves a screenshot under
test-artifacts/. Skipped only where chromium is not installed and CI is not set; in CI a missing
browser fails the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT, stop_process

pytestmark = pytest.mark.slow

QUESTION = "Wie schneidet Hagen bei Glasfaser ab?"
FOLLOW_UPS = (("Und Bochum?", "Bochum"), ("Und Essen?", "Essen"), ("Und Dortmund?", "Dortmund"))
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
FIRST_ANSWER_GOAL_S = 3.0
LATER_ANSWER_GOAL_S = 1.0
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def _chromium() -> str:
    """The chromium binary on PATH; skip (locally) or fail (CI) without it."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    if binary is None:
        message = "chromium is not installed (Debian: apt-get install -y chromium)"
        if in_ci:
            pytest.fail(message + "; the browser test must run in CI")
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if in_ci:
            pytest.fail("the playwright Python package is missing (pip install -e '.[dev]')")
        pytest.skip("the playwright Python package is not installed")
    return binary


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    started: float
    ready_after: float
    log: Path


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"streamlit did not become healthy within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    env.pop("ASSISTANT_LLM", None)
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, process, log)
        yield Server(url, process, started, time.monotonic() - started, log)
    finally:
        stop_process(process)


def _answer_ready(page: Any, count: int, name: str) -> Any:
    """The `count`-th chat message once it shows its answer, table, chart and map."""
    message = page.get_by_test_id("stChatMessage").nth(count - 1)
    message.get_by_text(name).first.wait_for(state="visible", timeout=30_000)
    for part in ("table", "chart", "map"):
        message.locator(f"[class*='st-key-{part}-']").first.wait_for(state="visible", timeout=30_000)
    message.locator("[class*='st-key-map-'] canvas, [class*='st-key-map-'] svg").first.wait_for(
        state="visible", timeout=30_000)
    return message


def _ask(page: Any, question: str, count: int, name: str) -> tuple[Any, float]:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    started = time.monotonic()
    box.press("Enter")
    message = _answer_ready(page, count, name)
    return message, time.monotonic() - started


def test_hagen_glasfaser_in_a_real_browser(server: Server) -> None:
    from playwright.sync_api import sync_playwright

    binary = _chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1900}, locale="de-DE")
            load_started = time.monotonic()
            page.goto(server.url, wait_until="domcontentloaded")
            page.get_by_test_id("stChatInputTextArea").wait_for(state="visible", timeout=60_000)
            page.get_by_role("button", name=QUESTION).wait_for(state="visible", timeout=60_000)
            page.wait_for_load_state("networkidle")
            page_load = time.monotonic() - load_started

            message, first = _ask(page, QUESTION, 2, "Platz")
            assert "Hagen" in message.inner_text()
            table = message.locator("[class*='st-key-table-']").first
            chart = message.locator("[class*='st-key-chart-']").first
            map_ = message.locator("[class*='st-key-map-']").first
            for part in (table, chart, map_):
                assert part.is_visible()
                box = part.bounding_box()
                assert box is not None
                assert box["width"] > 100
                assert box["height"] > 50
            assert message.get_by_text("Wie wurde das berechnet?").is_visible()
            assert message.get_by_role("button", name="Zahlen als CSV").is_visible()
            assert "q=Wie+schneidet+Hagen" in page.url or "q=Wie%20schneidet%20Hagen" in page.url
            page.wait_for_timeout(500)  # let the charts finish their transitions for the screenshot
            page.screenshot(path=str(ARTIFACTS / "browser-hagen-glasfaser.png"), full_page=True)

            laters = []
            for n, (question, name) in enumerate(FOLLOW_UPS, start=2):
                later_message, seconds = _ask(page, question, 2 * n, name)
                assert name in later_message.inner_text()
                laters.append(seconds)
        finally:
            browser.close()

    later = statistics.median(laters)
    print(
        f"\nbrowser latencies: server healthy after {server.ready_after:.2f} s, page ready after {page_load:.2f} s, "
        f"first answer {first:.2f} s (goal < {FIRST_ANSWER_GOAL_S:.0f} s), later answers "
        f"{', '.join(f'{s:.2f}' for s in laters)} s, median {later:.2f} s (goal < {LATER_ANSWER_GOAL_S:.0f} s)"
    )
    assert first < FIRST_ANSWER_GOAL_S, f"first answer took {first:.2f} s"
    assert later < LATER_ANSWER_GOAL_S, f"later answers took {laters} s"
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
