"""MCP tool-call overhead: the same calls over stdio (`assistant mcp` subprocess, the SDK's client)
and in process (`AgentService.call`, what the server runs for each call).

    .venv/bin/python benchmarks/bench_mcp.py [--calls 200] [--json]

The difference of the medians is what the protocol, JSON and the pipe cost. Goal (issue 10): the
stdio p50 at most 10 ms above the in-process p50. Exit code 1 when it is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answers.chat import Engine  # noqa: E402
from assistant.service.agent_service import AgentService  # noqa: E402

CALLS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("compare_municipalities", {"municipalities": ["Hagen", "Bochum", "Herne"], "metric": "fibre_households"}),
    ("get_metric", {"municipalities": ["Essen"], "metric": "overall"}),
    ("describe_method", {"topic": "scores"}),
)
GOAL_OVERHEAD_MS = 10.0


def in_process(calls: int) -> list[float]:
    service = AgentService(Engine())
    service.engine.warm()
    for name, args in CALLS:
        service.call(name, args)
    times = []
    for n in range(calls):
        name, args = CALLS[n % len(CALLS)]
        started = time.perf_counter()
        service.call(name, args)
        times.append((time.perf_counter() - started) * 1000)
    return times


def over_stdio(calls: int) -> list[float]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant", "mcp"], cwd=str(ROOT))
    times: list[float] = []

    async def run() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for name, args in CALLS:
                await session.call_tool(name, args)
            for n in range(calls):
                name, args = CALLS[n % len(CALLS)]
                started = time.perf_counter()
                result = await session.call_tool(name, args)
                times.append((time.perf_counter() - started) * 1000)
                if result.is_error:
                    raise RuntimeError(f"{name} failed: {result.structured_content}")

    anyio.run(run)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    local = in_process(args.calls)
    remote = over_stdio(args.calls)
    report = {
        "calls": args.calls,
        "in_process_p50_ms": round(statistics.median(local), 2),
        "stdio_p50_ms": round(statistics.median(remote), 2),
        "in_process_p95_ms": round(statistics.quantiles(local, n=20)[-1], 2),
        "stdio_p95_ms": round(statistics.quantiles(remote, n=20)[-1], 2),
    }
    report["overhead_p50_ms"] = round(report["stdio_p50_ms"] - report["in_process_p50_ms"], 2)
    report["goal_met"] = report["overhead_p50_ms"] < GOAL_OVERHEAD_MS
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{args.calls} calls ({', '.join(n for n, _ in CALLS)} in turn)")
        print(f"  in process: p50 {report['in_process_p50_ms']} ms, p95 {report['in_process_p95_ms']} ms")
        print(f"  MCP stdio:  p50 {report['stdio_p50_ms']} ms, p95 {report['stdio_p95_ms']} ms")
        print(f"  overhead p50: {report['overhead_p50_ms']} ms (goal < {GOAL_OVERHEAD_MS:.0f} ms): "
              + ("met" if report["goal_met"] else "NOT met"))
    return 0 if report["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
