"""Load on the HTTP API: N concurrent clients for T seconds against `assistant serve --workers W`.

    .venv/bin/python benchmarks/load_api.py [--clients 50] [--seconds 30] [--workers 2] [--json]

Starts `assistant serve` itself on 127.0.0.1 (a free port; rate limit off, since all clients share
one address) and stops it by process id. Each client is an asyncio task with its own conversation:
it asks scoring and project questions in turn through `POST /v1/ask`, sending back the `state`
token, with no pause and a bounded number of requests. Non-200 answers, transport errors and
answers without figures (scoring) or projects (project questions) count as errors.

For comparison it then measures the in-process engine (one `Assistant`, sequential) on the same
questions. Goals (issue 10): 0 errors, scoring p95 < 100 ms, project p95 < 300 ms. The project
questions need the project index (`assistant index build`). Exit code 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # load_streamlit, next to this file

from load_streamlit import stop_server  # noqa: E402  (the one way the benchmarks stop a server)

SCORING = (
    "Wie schneidet Hagen bei Glasfaser ab?",
    "Vergleiche Bochum und Herne bei der 5G-Abdeckung",
    "Welche fünf Kommunen haben den höchsten Digital-Index?",
    "What is Dortmund's overall score?",
    "Wo steht Bottrop bei digitalen Gründungen?",
)
PROJECTS = (
    "Welche Projekte zur Luftqualität gibt es in Lünen?",
    "Which smart parking projects exist in the Ruhr area?",
    "Welche Projekte zum Glasfaserausbau gibt es?",
)
GOALS_MS = {"scoring": 100.0, "project": 300.0}
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound on every loop, whatever the clock does


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"scoring": [], "project": []})
    errors: list[str] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(workers: int, log_path: Path) -> Any:
    port = free_port()
    env = {**os.environ, "ASSISTANT_RATE_PER_SECOND": "0", "ANONYMIZED_TELEMETRY": "False"}
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port),
                                    "--workers", str(workers)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited; see {log_path}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                time.sleep(0.3)
            else:
                raise TimeoutError("serve did not become healthy")
            warm_up(url, workers)
            yield url
        finally:
            stop_server(process)


def warm_up(url: str, workers: int) -> None:
    """Load the embedder and the project index in every worker before measuring (first use is lazy)."""
    with httpx.Client(base_url=url, timeout=120) as client:
        for _ in range(4 * workers):
            for question in (SCORING[0], PROJECTS[0]):
                client.post("/v1/ask", json={"question": question})


async def client_loop(number: int, url: str, deadline: float, tally: Tally) -> None:
    questions = [("scoring", q) for q in SCORING] + [("project", q) for q in PROJECTS]
    questions = questions[number % len(questions):] + questions[:number % len(questions)]
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        state = None
        for turn in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                return
            kind, question = questions[turn % len(questions)]
            body = {"question": question, **({"state": state} if state else {})}
            started = time.perf_counter()
            try:
                response = await client.post("/v1/ask", json=body)
            except httpx.HTTPError as error:
                tally.errors.append(f"{kind}: {type(error).__name__}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            answer = response.json() if response.status_code == 200 else {}
            if response.status_code != 200:
                tally.errors.append(f"{kind}: HTTP {response.status_code}")
            elif not answer.get("figures" if kind == "scoring" else "projects"):
                tally.errors.append(f"{kind}: empty answer to {question!r}")
            else:
                tally.latencies[kind].append(elapsed)
                state = answer.get("state")


def in_process(seconds: float) -> dict[str, float]:
    from assistant.answers.chat import Assistant, Engine

    engine = Engine()
    engine.warm()
    assistant = Assistant(engine)
    for question in (*SCORING, *PROJECTS):
        assistant.ask(question)  # warm the project search
    result = {}
    for kind, questions in (("scoring", SCORING), ("project", PROJECTS)):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds and count < MAX_REQUESTS_PER_CLIENT:
            assistant.ask(questions[count % len(questions)])
            count += 1
        result[kind] = count / (time.perf_counter() - started)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tally = Tally()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"load_api_serve_{os.getpid()}.log"
    with running_server(args.workers, log_path) as url:
        started = time.monotonic()

        async def run_all() -> None:
            deadline = time.monotonic() + args.seconds
            await asyncio.gather(*(client_loop(n, url, deadline, tally) for n in range(args.clients)))

        asyncio.run(run_all())
        wall = time.monotonic() - started
    local = in_process(min(10.0, args.seconds))
    answered = sum(len(v) for v in tally.latencies.values())
    report: dict[str, Any] = {
        "clients": args.clients, "seconds": round(wall, 1), "workers": args.workers, "answered": answered,
        "throughput_per_s": round(answered / wall, 1), "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:5],
        "in_process_per_s": {k: round(v, 1) for k, v in local.items()},
    }
    for kind, values in tally.latencies.items():
        report[kind] = {"count": len(values), "p50_ms": round(percentile(values, 0.5), 1),
                        "p95_ms": round(percentile(values, 0.95), 1), "goal_p95_ms": GOALS_MS[kind]}
    met = not tally.errors and all(report[k]["p95_ms"] < GOALS_MS[k] for k in GOALS_MS)
    report["goal_met"] = met
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{args.clients} clients, {report['seconds']} s, serve --workers {args.workers}: "
              f"{answered} answers, {report['throughput_per_s']}/s, errors {report['errors']}")
        for kind in GOALS_MS:
            r = report[kind]
            print(f"  {kind:<8} n={r['count']:<6} p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  (goal p95 < "
                  f"{r['goal_p95_ms']:.0f} ms)")
        print(f"  in-process engine, one thread: scoring {local['scoring']:.1f}/s, project {local['project']:.1f}/s")
        if tally.errors:
            print("  errors: " + "; ".join(report["error_examples"]))
        print("goal met" if met else "goal NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
