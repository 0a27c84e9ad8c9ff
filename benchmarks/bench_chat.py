"""Chat latency: warm answers per intent group, and the cold start of `assistant ask`.

    python benchmarks/bench_chat.py [--file eval/questions.yaml] [--passes 3] [--cold-runs 5] [--json]

Warm: one process, one shared Engine, every chain of the evaluation file through a fresh Assistant
(as `assistant eval` does). One unmeasured pass first loads the embedding model and the project
index, so the figures are steady-state latencies of `Assistant.ask` (planner, tools, answer, guard).
Turns are grouped by their expected intent: retrieval intents (project_search, reusable_projects and
the project intents of issue 9)
versus everything else (scoring). Cold start: wall time of `python -m assistant ask --json` for a
scoring question in a new process, median of several runs.

Goals on the 2-core reference machine: scoring p50 < 50 ms, retrieval p50 < 150 ms, p95 < 600 ms
over all turns, cold start < 4 s. The project index must exist (`assistant index build`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answers.chat import Assistant, Engine  # noqa: E402
from assistant.answers.evaluation import load_questions  # noqa: E402

RETRIEVAL_INTENTS = frozenset({"project_search", "reusable_projects", "project_info", "learn_from", "similar_projects",
                               "projects_for_weak"})
COLD_QUESTION = "Wie schneidet Hagen bei Glasfaser ab?"
GOALS_MS = {"scoring_p50": 50.0, "retrieval_p50": 150.0, "overall_p95": 600.0, "cold_start": 4000.0}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation): the value below which q of the samples lie."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def warm_latencies(chains: list[dict[str, Any]], passes: int) -> dict[str, list[float]]:
    engine = Engine()
    engine.warm()
    groups: dict[str, list[float]] = {"scoring": [], "retrieval": []}
    for n in range(passes + 1):
        for chain in chains:
            assistant = Assistant(engine)
            for turn in chain["turns"]:
                started = time.perf_counter()
                reply = assistant.ask(turn["q"])
                elapsed = 1000 * (time.perf_counter() - started)
                intent = (turn.get("expect") or {}).get("intent", reply.intent)
                intent = intent[0] if isinstance(intent, list) else intent  # newcomer files allow a list
                if n > 0:  # pass 0 loads the embedder and the index
                    groups["retrieval" if intent in RETRIEVAL_INTENTS else "scoring"].append(elapsed)
    return groups


def cold_start(runs: int) -> list[float]:
    times = []
    env = {**os.environ, "ASSISTANT_LLM": ""}
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", COLD_QUESTION], cwd=ROOT, env=env,
                       capture_output=True, check=True, timeout=120)
        times.append(1000 * (time.perf_counter() - started))
    return times


def summary(groups: dict[str, list[float]], cold: list[float]) -> dict[str, Any]:
    overall = [v for values in groups.values() for v in values]
    result: dict[str, Any] = {}
    for name, values in groups.items():
        if values:
            result[name] = {"n": len(values), "p50_ms": round(percentile(values, 0.5), 1),
                            "p95_ms": round(percentile(values, 0.95), 1), "max_ms": round(max(values), 1)}
    result["overall"] = {"n": len(overall), "p50_ms": round(percentile(overall, 0.5), 1),
                         "p95_ms": round(percentile(overall, 0.95), 1)}
    result["cold_start"] = {"runs": len(cold), "median_ms": round(statistics.median(cold), 1),
                            "max_ms": round(max(cold), 1)}
    checks = {
        "scoring_p50": result.get("scoring", {}).get("p50_ms", 0.0) < GOALS_MS["scoring_p50"],
        "retrieval_p50": result.get("retrieval", {}).get("p50_ms", 0.0) < GOALS_MS["retrieval_p50"],
        "overall_p95": result["overall"]["p95_ms"] < GOALS_MS["overall_p95"],
        "cold_start": result["cold_start"]["median_ms"] < GOALS_MS["cold_start"],
    }
    result["goals_ms"] = GOALS_MS
    result["goals_met"] = checks
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "eval" / "questions.yaml")
    parser.add_argument("--passes", type=int, default=3, help="measured passes over the question file")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chains = load_questions(args.file)
    result = summary(warm_latencies(chains, args.passes), cold_start(args.cold_runs))
    if args.json:
        print(json.dumps(result))
        return 0
    for name in ("scoring", "retrieval", "overall"):
        row = result.get(name)
        if row:
            print(f"{name:<10} n={row['n']:<5} p50 {row['p50_ms']:>7.1f} ms   p95 {row['p95_ms']:>7.1f} ms")
    cold = result["cold_start"]
    print(f"cold start (assistant ask, median of {cold['runs']}): {cold['median_ms'] / 1000:.2f} s")
    print("goals met: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in result["goals_met"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
