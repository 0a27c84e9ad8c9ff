"""Load: many chat sessions at once for a bounded time; throughput, p50/p95 latency and errors.

    .venv/bin/python benchmarks/load_chat.py [--threads 20] [--seconds 30] [--json]
    .venv/bin/python benchmarks/load_chat.py --websocket 20 [--seconds 60]
    .venv/bin/python benchmarks/load_chat.py --browser 20 [--seconds 60]

Engine mode (default): one shared `Engine` (as the web app holds it in st.cache_resource) and
`--threads` sessions, each its own `Assistant` on its own thread, asking numeric questions in a
loop with no pause (a new conversation every `--reset-every` questions, like new visitors). Every
figure of every answer is compared with a fresh `DigitalIndex`; a wrong number is an error.

`--websocket N` and `--browser N` put N visitors on the real `streamlit run app.py` (127.0.0.1, a
free port, stopped by PID): protocol-level sessions, or headless Chromium pages. See
benchmarks/load_streamlit.py for what each measures; on one 2-core machine the browsers' own
rendering competes with the server. An answer must show a rank; a timeout, an error element or a
traceback in the server log is an error.

Goal (issue 6): 20 concurrent sessions on the 2-core reference machine, zero errors, p95 < 2 s for
numeric questions. The exit code is 1 when the goal is missed, so the script can gate a deploy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # load_streamlit, next to this file

from assistant.answers.chat import Assistant, Engine  # noqa: E402
from assistant.index.digital_index import DigitalIndex  # noqa: E402
from assistant.index.scoring import figure  # noqa: E402

QUESTIONS = (
    "Wie schneidet Hagen bei Glasfaser ab?",
    "Vergleiche Bochum und Herne bei der 5G-Abdeckung",
    "Welche fünf Kommunen haben den höchsten Digital-Index?",
    "Wie hoch ist der Digital-Index von Essen?",
    "Welche Kommunen im Kreis Unna haben die meisten IT-Beschäftigten?",
    "What is Dortmund's overall score?",
    "Wo steht Bottrop bei digitalen Gründungen?",
    "Wie viele KI-Unternehmen gibt es in Mülheim an der Ruhr?",
)
GOAL_P95_S = 2.0


@dataclass
class Results:
    """Latencies of answered questions and the errors, collected from all sessions."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def summary(mode: str, sessions: int, seconds: float, think: float, results: Results) -> dict[str, Any]:
    answered = len(results.latencies)
    p95 = percentile(results.latencies, 0.95)
    return {
        "mode": mode, "sessions": sessions, "seconds": round(seconds, 1), "think_s": think, "answered": answered,
        "throughput_per_s": round(answered / seconds, 2) if seconds else 0.0,
        "p50_s": round(percentile(results.latencies, 0.50), 3), "p95_s": round(p95, 3),
        "p99_s": round(percentile(results.latencies, 0.99), 3),
        "max_s": round(max(results.latencies), 3) if results.latencies else float("nan"),
        "errors": len(results.errors), "first_errors": results.errors[:5],
        "goal_met": not results.errors and answered > 0 and p95 < GOAL_P95_S,
    }


# --- engine mode ------------------------------------------------------------------------------------

def check(reply: Any, reference: DigitalIndex) -> str | None:
    """Why a reply is wrong (no figures, a figure that differs from the reference), or None."""
    if not reply.figures:
        return f"no figures for {reply.question!r}: {reply.answer[:120]!r}"
    for shown in reply.figures:
        expected = figure(reference.table, reference.registry, str(shown["ags"]), str(shown["metric"]))
        if shown != expected:
            return f"wrong figure for {reply.question!r}: {shown} != {expected}"
    return None


def run_engine(sessions: int, seconds: float, reset_every: int, think: float) -> dict[str, Any]:
    engine = Engine()
    engine.warm()
    reference = DigitalIndex.load(engine.settings.data_dir)
    for question in QUESTIONS:  # every question once before the clock starts (first-use costs)
        problem = check(Assistant(engine).ask(question), reference)
        if problem:
            raise SystemExit(f"warm-up answer is wrong: {problem}")
    results = Results()
    start = threading.Barrier(sessions + 1)
    deadline = [0.0]

    def session(number: int) -> None:
        assistant = Assistant(engine)
        start.wait()
        asked = 0
        while time.monotonic() < deadline[0]:
            question = QUESTIONS[(number + asked) % len(QUESTIONS)]
            began = time.monotonic()
            try:
                reply = assistant.ask(question)
                problem = check(reply, reference)
            except Exception as error:  # any exception is a failed request; keep the session going
                problem = f"{type(error).__name__}: {error}"
            if problem:
                results.error(problem)
            else:
                results.ok(time.monotonic() - began)
            asked += 1
            if think:
                time.sleep(think)
            if asked % reset_every == 0:
                assistant.reset()

    threads = [threading.Thread(target=session, args=(n,), daemon=True) for n in range(sessions)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return summary("engine", sessions, time.monotonic() - began, think, results)


# --- browser and websocket modes (benchmarks/load_streamlit.py) ------------------------------------

def run_streamlit(mode: str, sessions: int, seconds: float, reset_every: int, think: float) -> dict[str, Any]:
    """N visitors on the real `streamlit run app.py`; every answer must state a rank, no traceback."""
    from load_streamlit import run_on_server

    results = Results()

    def record(latency: float | None, problem: str | None) -> None:
        if latency is not None:
            results.ok(latency)
        else:
            results.error(problem or "unknown")

    question_sets = [[QUESTIONS[(n + i) % len(QUESTIONS)] for i in range(len(QUESTIONS))] for n in range(sessions)]
    ready, elapsed, log = run_on_server(mode, question_sets, seconds, reset_every, think, record)
    if "Traceback" in log.read_text(errors="replace"):
        results.error(f"traceback in the server log ({log})")
    return {**summary(mode, sessions, elapsed, think, results), "sessions_ready_s": round(ready, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20, help="concurrent chat-engine sessions (default 20)")
    parser.add_argument("--browser", type=int, default=0, help="drive the Streamlit app with N browser sessions")
    parser.add_argument("--websocket", type=int, default=0,
                        help="drive the Streamlit app with N protocol-level sessions (no browser rendering)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to keep asking (default 30)")
    parser.add_argument("--reset-every", type=int, default=5, help="new conversation after this many questions")
    parser.add_argument("--think", type=float, default=0.0,
                        help="pause after each answer, seconds (default 0: every session asks back to back)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.browser or args.websocket:
        mode = "browser" if args.browser else "websocket"
        result = run_streamlit(mode, args.browser or args.websocket, args.seconds, args.reset_every, args.think)
    else:
        result = run_engine(args.threads, args.seconds, args.reset_every, args.think)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{result['mode']}: {result['sessions']} sessions for {result['seconds']} s on {os.cpu_count()} CPUs, "
              f"{result['think_s']:g} s pause after each answer")
        print(f"  answered {result['answered']} ({result['throughput_per_s']}/s), errors {result['errors']}")
        print(f"  latency p50 {result['p50_s']} s, p95 {result['p95_s']} s, p99 {result['p99_s']} s, "
              f"max {result['max_s']} s (goal p95 < {GOAL_P95_S:g} s, zero errors): "
              f"{'met' if result['goal_met'] else 'MISSED'}")
        for error in result["first_errors"]:
            print(f"  error: {error}")
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
