"""The Streamlit side of benchmarks/load_chat.py: the server, browser sessions, protocol sessions.

Two ways to put N visitors on the page, because on one 2-core machine they measure different
things:

- `--browser N`: N headless Chromium pages (Playwright, Debian's /usr/bin/chromium). End to end,
  but the browsers render the answers' charts and maps on the same two cores as the server, so
  beyond a few pages this measures Chromium more than the app.
- `--websocket N`: N sessions speaking Streamlit's own protocol (the BackMsg/ForwardMsg protobufs
  the browser sends over /_stcore/stream). The server does exactly the work it does for a browser
  (script run, every element serialised and sent); nothing is rendered. Latency is from sending
  the question to the server's "script finished". Cached-message hashes are reported back as a
  browser does, so large unchanged elements (the maps) are not re-sent.

The server runs on a free 127.0.0.1 port and is stopped by its PID, also after an error.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
#: Every benchmark question's answer states a rank ("Platz 3 von 53" / "rank 3 of 53").
ANSWERED = re.compile(r"Platz|rank")
Record = Callable[[float | None, str | None], None]  # (latency, None) or (None, error)


class Pauses:
    """Reading time between answer and next question: none for a stress test (`think` 0), else
    uniform in [0.5, 1.5] x think, and the first question at a random point of the first pause, so
    that N sessions do not stay in lock-step bursts. Seeded per session: runs are repeatable."""

    def __init__(self, think: float, seed: int) -> None:
        self.think = think
        self.random = random.Random(seed)

    def first(self) -> float:
        return self.random.uniform(0.0, self.think) if self.think else 0.0

    def next(self) -> float:
        return self.random.uniform(0.5, 1.5) * self.think if self.think else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    """`streamlit run app.py` on 127.0.0.1:PORT; returns once /_stcore/health answers ok."""
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit("streamlit did not become healthy within 90 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM by PID, SIGKILL if it does not stop within 15 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


# --- browser sessions ------------------------------------------------------------------------------

async def _open_page(browser: Any, url: str) -> tuple[Any, Any]:
    """A fresh visitor (own context: own cookies, own Streamlit session) with the chat ready."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = await context.new_page()
    await page.goto(url, wait_until="domcontentloaded")
    await page.get_by_test_id("stChatInputTextArea").wait_for(state="visible", timeout=300_000)
    return context, page


async def _browser_session(page: Any, number: int, questions: list[str], start: asyncio.Event,
                           until: list[float], reset_every: int, think: float, record: Record) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    await start.wait()
    pause = Pauses(think, number)
    await asyncio.sleep(pause.first())
    asked = shown = 0
    while time.monotonic() < until[0]:
        question = questions[asked % len(questions)]
        await box.fill(question)
        began = time.monotonic()
        await box.press("Enter")
        shown += 2
        answer = page.get_by_test_id("stChatMessage").nth(shown - 1)
        try:
            await answer.get_by_text(ANSWERED).first.wait_for(state="visible", timeout=30_000)
            record(time.monotonic() - began, None)
        except Exception as error:  # a timeout or a detached page: the request failed
            record(None, f"{question!r}: {type(error).__name__}")
            return
        asked += 1
        await asyncio.sleep(pause.next())
        if asked % reset_every == 0:
            await page.get_by_role("button", name="Neues Gespräch").click()
            await page.get_by_test_id("stChatMessage").first.wait_for(state="detached", timeout=30_000)
            shown = 0


async def drive_browsers(url: str, question_sets: list[list[str]], seconds: float, reset_every: int,
                         think: float, record: Record) -> tuple[float, float]:
    """Open every page first (untimed, one after the other), then start all sessions at once.

    Returns (seconds until all pages were ready, seconds measured)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            opening = time.monotonic()
            pages = [await _open_page(browser, url) for _ in question_sets]
            ready = time.monotonic() - opening
            start, until = asyncio.Event(), [0.0]
            tasks = [asyncio.create_task(_browser_session(page, n, questions, start, until, reset_every, think, record))
                     for n, ((_, page), questions) in enumerate(zip(pages, question_sets, strict=True))]
            began = time.monotonic()
            until[0] = began + seconds
            start.set()
            await asyncio.gather(*tasks)
            measured = time.monotonic() - began
            for context, _ in pages:
                await context.close()
            return ready, measured
        finally:
            await browser.close()


# --- protocol sessions -----------------------------------------------------------------------------

class ProtocolSession:
    """One visitor speaking Streamlit's websocket protocol, as the browser's frontend does."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.socket: Any = None
        self.chat_id: str | None = None
        self.cached: set[str] = set()

    async def connect(self) -> None:
        import websockets

        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"],  # type: ignore[list-item]
                                               max_size=None)
        await self.run({})

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def run(self, widgets: dict[str, str]) -> list[Any]:
        """Send one rerun (chat input `widgets` = {id: text}); the ForwardMsgs up to script_finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_script_hash = ""
        state.context_info.locale = "de-DE"
        state.context_info.timezone = "Europe/Berlin"
        state.cached_message_hashes.extend(sorted(self.cached))
        for widget_id, value in widgets.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            widget.chat_input_value.data = value
        await self.socket.send(message.SerializeToString())
        received: list[Any] = []
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.socket.recv())
            received.append(forward)
            if forward.metadata.cacheable and forward.hash:
                self.cached.add(forward.hash)
            element = forward.delta.new_element if forward.HasField("delta") else None
            if element is not None and element.HasField("chat_input"):
                self.chat_id = element.chat_input.id
            if forward.HasField("script_finished"):
                return received

    async def ask(self, question: str) -> str | None:
        """Ask through the chat input; None when an answer with a rank came back, else the problem."""
        if self.chat_id is None:
            return "no chat input on the page"
        received = await self.run({self.chat_id: question})
        texts, problems = [], []
        for forward in received:
            if not forward.HasField("delta") or not forward.delta.HasField("new_element"):
                continue
            element = forward.delta.new_element
            if element.HasField("markdown"):
                texts.append(element.markdown.body)
            if element.HasField("exception"):
                problems.append(f"exception on the page: {element.exception.type}")
            if element.HasField("alert") and element.alert.format == element.alert.ERROR:
                problems.append(f"error on the page: {element.alert.body[:120]}")
        if problems:
            return "; ".join(problems)
        return None if any(ANSWERED.search(t) for t in texts) else f"no answer with a rank for {question!r}"


async def _protocol_session(session: ProtocolSession, number: int, questions: list[str], start: asyncio.Event,
                            until: list[float], reset_every: int, think: float, record: Record) -> None:
    await start.wait()
    pause = Pauses(think, number)
    await asyncio.sleep(pause.first())
    asked = 0
    try:
        while time.monotonic() < until[0]:
            question = questions[asked % len(questions)]
            began = time.monotonic()
            try:
                problem = await asyncio.wait_for(session.ask(question), timeout=60)
            except Exception as error:  # a closed socket or a timeout: the request failed
                problem = f"{type(error).__name__}: {error}"
            record(None if problem else time.monotonic() - began, problem)
            asked += 1
            await asyncio.sleep(pause.next())
            if asked % reset_every == 0:  # a new visitor: a fresh session
                await session.close()
                session = ProtocolSession(session.url.replace("ws://", "http://").removesuffix("/_stcore/stream"))
                await session.connect()
    finally:
        await session.close()


async def drive_protocol(url: str, question_sets: list[list[str]], seconds: float, reset_every: int,
                         think: float, record: Record) -> tuple[float, float]:
    """Connect every session (untimed), then start them all at once; (ready seconds, measured seconds)."""
    opening = time.monotonic()
    sessions = [ProtocolSession(url) for _ in question_sets]
    for session in sessions:  # one after the other, like visitors arriving
        await session.connect()
    ready = time.monotonic() - opening
    start, until = asyncio.Event(), [0.0]
    tasks = [asyncio.create_task(_protocol_session(session, n, questions, start, until, reset_every, think, record))
             for n, (session, questions) in enumerate(zip(sessions, question_sets, strict=True))]
    began = time.monotonic()
    until[0] = began + seconds
    start.set()
    await asyncio.gather(*tasks)
    return ready, time.monotonic() - began


def run_on_server(mode: str, question_sets: list[list[str]], seconds: float, reset_every: int, think: float,
                  record: Record) -> tuple[float, float, Path]:
    """Start the server, drive it in `mode` ("browser" or "websocket"), stop it; (ready, measured, log)."""
    if mode == "browser" and not Path(CHROMIUM).exists():
        raise SystemExit("chromium is not installed (Debian: apt-get install -y chromium)")
    port = free_port()
    log = ROOT / "test-artifacts" / "load-streamlit.log"
    log.parent.mkdir(exist_ok=True)
    server = start_server(port, log)
    try:
        url = f"http://127.0.0.1:{port}"
        warm = ProtocolSession(url)  # the first script run builds the shared engine: not measured

        async def warm_up() -> None:
            await warm.connect()
            await warm.close()

        asyncio.run(warm_up())
        driver = drive_browsers if mode == "browser" else drive_protocol
        ready, measured = asyncio.run(driver(url, question_sets, seconds, reset_every, think, record))
    finally:
        stop_server(server)
    return ready, measured, log
