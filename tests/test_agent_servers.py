"""`assistant mcp` and `assistant serve` as real processes, reached by the MCP SDK's client and by HTTP.

Each server is started by the test on 127.0.0.1 on a free port and stopped by its process id. The
numbers must be the ones `assistant ask --json` prints; a follow-up may go to another server than
its first turn (two `serve` processes behind one Chroma server, state carried by the token).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.test_chroma_server import CHROMA, free_port, wait_for_heartbeat

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Vergleiche Hagen und Bochum bei Glasfaser"
COMPARE_ARGS = {"municipalities": ["Hagen", "Bochum"], "metric": "fibre_households"}
SECRET = "test-secret-shared-by-both-servers"

pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_"))}
    return {**env, "ANONYMIZED_TELEMETRY": "False", "ASSISTANT_STATE_SECRET": SECRET, **extra}


def cli_json(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Any:
    done = subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env or _env(), input=stdin, timeout=300, check=True)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return lines[0] if len(lines) == 1 else lines


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)  # exactly the server this test started
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def serve(tmp_path: Path, name: str, **env: str) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / f"{name}.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT, env=_env(**env))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited: {(tmp_path / f'{name}.log').read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError("serve did not become healthy")
            time.sleep(0.3)
        yield url
    finally:
        stop(process)
        log.close()


def figures_of(answer: dict[str, Any]) -> list[tuple[str, str, float]]:
    return [(f["ags"], f["metric"], f["value"]) for f in answer["figures"]]


async def exercise(session: ClientSession) -> dict[str, Any]:
    await session.initialize()
    tools = await session.list_tools()
    compare = await session.call_tool("compare_municipalities", COMPARE_ARGS)
    ask = await session.call_tool("ask", {"question": QUESTION})
    answer = ask.structured_content or {}
    claims = {"figures": answer.get("figures"), "facts": answer.get("facts"), "language": "de"}
    honest = await session.call_tool("verify", {"text": answer.get("answer"), **claims})
    shown = f"{answer['figures'][0]['value']:.1f}".replace(".", ",")
    tampered = await session.call_tool("verify", {"text": str(answer.get("answer")).replace(shown, "99,1"), **claims})
    return {"tools": [t.name for t in tools.tools], "compare": compare.structured_content, "ask": answer,
            "honest": honest.structured_content, "tampered": tampered.structured_content}


def check_against_cli(seen: dict[str, Any], cli_answer: dict[str, Any], cli_compare: dict[str, Any]) -> None:
    assert {"compare_municipalities", "get_profile", "search_projects", "ask", "verify"} <= set(seen["tools"])
    assert seen["ask"]["answer"] == cli_answer["answer"]
    assert figures_of(seen["ask"]) == figures_of(cli_answer)
    compare = {(f["ags"], f["value"]) for f in seen["compare"]["figures"]}
    assert compare == {(f["ags"], f["value"]) for f in cli_compare["figures"]}
    assert seen["ask"]["chart"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert all(f["claim_id"] for f in [*seen["ask"]["figures"], *seen["compare"]["figures"]])
    assert [f["claim_id"] for f in seen["ask"]["figures"]] == [f["claim_id"] for f in cli_answer["figures"]]
    assert (seen["honest"]["ok"], seen["honest"]["unverified"], seen["honest"]["rejected_claims"]) == (True, 0, [])
    assert not seen["tampered"]["ok"]
    assert [n["text"] for n in seen["tampered"]["numbers"] if n["status"] == "unverified"] == ["99,1"]


@pytest.fixture(scope="module")
def cli_reference() -> tuple[dict[str, Any], dict[str, Any]]:
    answer = cli_json("ask", "--json", QUESTION)
    compare = cli_json("compare", "Hagen", "Bochum", "--metric", "fibre_households", "--json")
    return answer, compare


def test_mcp_over_stdio_gives_the_clis_numbers(cli_reference: tuple[dict[str, Any], dict[str, Any]]) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant", "mcp"], cwd=ROOT, env=_env())

    async def run() -> dict[str, Any]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            return await exercise(session)

    check_against_cli(anyio.run(run), *cli_reference)


def test_mcp_over_streamable_http_and_the_http_guard(
    tmp_path: Path, cli_reference: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    with serve(tmp_path, "serve", ASSISTANT_RATE_PER_SECOND="50", ASSISTANT_RATE_BURST="200") as url:
        async def run() -> dict[str, Any]:
            async with streamable_http_client(url + "/mcp") as (read, write), ClientSession(read, write) as session:
                return await exercise(session)

        check_against_cli(anyio.run(run), *cli_reference)
        ask = httpx.post(url + "/v1/ask", json={"question": QUESTION}, timeout=60).json()
        assert figures_of(ask) == figures_of(cli_reference[0])
        wrong_host = httpx.post(url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                headers={"host": "evil.example", "accept": "application/json, text/event-stream"})
        assert wrong_host.status_code == 421
        assert httpx.post(url + "/v1/ask", json={"question": QUESTION}, headers={"host": "evil.example"}
                          ).status_code == 421
        oversized = httpx.post(url + "/v1/ask", content=b'{"question": "' + b"x" * 20_000 + b'"}',
                               headers={"content-type": "application/json"})
        assert oversized.status_code == 413
        assert "16384 bytes" in oversized.json()["error"]["message"]


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    with serve(tmp_path, "limited", ASSISTANT_RATE_PER_SECOND="0.2", ASSISTANT_RATE_BURST="3") as url:
        responses = [httpx.post(url + "/v1/tools/describe_method", json={}, timeout=30) for _ in range(5)]
    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    assert responses[-1].status_code == 429
    assert int(responses[-1].headers["retry-after"]) >= 1
    assert "Retry after" in responses[-1].json()["error"]["message"]


@pytest.fixture
def chroma_with_index(tmp_path: Path) -> Iterator[dict[str, str]]:
    if not CHROMA.is_file():
        pytest.skip("chroma CLI not installed next to the interpreter")
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    process = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=_env())
    try:
        wait_for_heartbeat(port, process)
        env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "ASSISTANT_HOME": str(tmp_path / "home")}
        subprocess.run([sys.executable, "-m", "assistant", "index", "build"], cwd=ROOT, env=_env(**env),
                       check=True, capture_output=True, timeout=600)
        yield env
    finally:
        stop(process)
        log.close()


def test_two_servers_behind_one_chroma_answer_one_conversation(tmp_path: Path, chroma_with_index: dict[str, str]
                                                               ) -> None:
    turns = ["Wie schneidet Hagen bei Glasfaser ab?", "und Bochum?",
             "Welche Projekte zur Luftqualität gibt es in Lünen?", "und in Bochum?"]
    expected = cli_json("chat", "--jsonl", env=_env(**chroma_with_index), stdin="\n".join(turns) + "\n")
    with serve(tmp_path, "a", **chroma_with_index) as first, serve(tmp_path, "b", **chroma_with_index) as second:
        state = None
        answers = []
        for number, question in enumerate(turns):
            url = (first, second)[number % 2]  # turns alternate between the two servers
            body = {"question": question, **({"state": state} if state else {})}
            answer = httpx.post(url + "/v1/ask", json=body, timeout=120).json()
            state = answer["state"]
            answers.append(answer)
        without_state = httpx.post(second + "/v1/ask", json={"question": "und Bochum?"}, timeout=60).json()
    for got, want in zip(answers, expected, strict=True):
        assert (got["intent"], got["tool_calls"], figures_of(got)) == (want["intent"], want["tool_calls"],
                                                                       figures_of(want))
        assert [p["id"] for p in got["projects"]] == [p["id"] for p in want["projects"]]
    assert answers[1]["figures"][0]["municipality"] == "Bochum"
    assert answers[1]["figures"][0]["metric"] == "fibre_households"  # the metric came from the other server's turn
    assert answers[3]["tool_calls"][0]["name"] == "search_projects"
    assert answers[3]["projects"]  # found through the shared Chroma server
    assert figures_of(without_state) != figures_of(answers[1])  # the token, not luck, carried the context


def test_the_web_page_answers_through_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from assistant.service.api_client import RemoteAssistant

    with serve(tmp_path, "page") as url:
        monkeypatch.setenv("ASSISTANT_API_URL", url)
        monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
        page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        page.chat_input[0].set_value("Wie schneidet Hagen bei Glasfaser ab?").run()
        page.chat_input[0].set_value("und Bochum?").run()
        conversation = page.session_state["assistant"]
        replies = [m["reply"] for m in page.session_state["messages"] if m.get("role") == "assistant"]
    assert isinstance(conversation, RemoteAssistant)
    assert str(conversation.state).startswith("v1.")  # the server's token, kept between turns
    expected = cli_json("chat", "--jsonl", stdin="Wie schneidet Hagen bei Glasfaser ab?\nund Bochum?\n")
    assert [figures_of(r) for r in replies] == [figures_of(e) for e in expected]
    assert [r["answer"] for r in replies] == [e["answer"] for e in expected]
    assert not page.exception
