"""Does an answer cost the page more as the conversation grows? One visitor, N questions in a row.

    .venv/bin/python benchmarks/conversation_growth.py [--questions 20] [--json]

Starts `streamlit run app.py` on a free 127.0.0.1 port (stopped by PID), opens one session speaking
Streamlit's websocket protocol (benchmarks/load_streamlit.py) and asks `--questions` numeric
questions without starting a new conversation. For every answer it prints the latency and the
server's CPU time for that rerun (user + system time of the server process from /proc, so other
work on the machine does not count). Every rerun re-executes the whole script and re-sends every
earlier answer's table, chart and map, so a page whose per-answer work is not cached grows
linearly; the goal is a flat line: the 20th answer costs about what the 1st costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # load_streamlit, next to this file

from load_chat import QUESTIONS
from load_streamlit import ROOT, ProtocolSession, free_port, start_server, stop_server

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def converse(url: str, pid: int, count: int) -> list[dict[str, Any]]:
    session = ProtocolSession(url)
    await session.connect()
    rows = []
    try:
        for n in range(count):
            question = QUESTIONS[n % len(QUESTIONS)]
            cpu, began = cpu_seconds(pid), time.monotonic()
            problem = await session.ask(question)
            rows.append({"answer": n + 1, "latency_s": round(time.monotonic() - began, 3),
                         "server_cpu_s": round(cpu_seconds(pid) - cpu, 3), "problem": problem})
    finally:
        await session.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20, help="questions in one conversation (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    log = ROOT / "test-artifacts" / "conversation-growth.log"
    log.parent.mkdir(exist_ok=True)
    port = free_port()
    server = start_server(port, log)
    try:
        url = f"http://127.0.0.1:{port}"
        asyncio.run(converse(url, server.pid, 1))  # warm-up: the first run builds the shared engine
        rows = asyncio.run(converse(url, server.pid, args.questions))
    finally:
        stop_server(server)
    first, last = rows[0], rows[-1]
    head = statistics.median(r["server_cpu_s"] for r in rows[:3])
    tail = statistics.median(r["server_cpu_s"] for r in rows[-3:])
    result = {"questions": len(rows), "errors": [r["problem"] for r in rows if r["problem"]],
              "first": first, "last": last, "cpu_median_first3_s": head, "cpu_median_last3_s": tail,
              "growth_factor": round(tail / head, 2) if head else None, "rows": rows}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for r in rows:
            print(f"  answer {r['answer']:>2}: latency {r['latency_s']:.3f} s, server CPU {r['server_cpu_s']:.3f} s"
                  + (f"  PROBLEM {r['problem']}" if r["problem"] else ""))
        print(f"server CPU per answer, median of the first 3: {head:.3f} s, of the last 3: {tail:.3f} s "
              f"(x{result['growth_factor']}); errors {len(result['errors'])}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
