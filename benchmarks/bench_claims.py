"""Median time to verify an answer's own text against its claims, and of the number guard.

Answers of five intents on the shipped data (offline planner). `verify` is what `assistant
verify` and the web table's "Geprüft" column run per answer; the guard runs once per answer
(twice on the LLM path). Both should stay a small fraction of an answer's latency (few ms).

    python benchmarks/bench_claims.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from assistant.answers.chat import Assistant, Engine
from assistant.answers.guard import check_answer
from assistant.index.claims import verify_answer

QUESTIONS = (
    "Wie steht Hagen bei Glasfaser?", "Profil von Herne", "Why does Dortmund score as it does?",
    "Was wäre, wenn Infrastruktur doppelt zählt, für Bochum?", "Top 10 bei IT-Beschäftigten",
)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    engine = Engine()
    print(f"{'intent':<10} {'numbers':>7} {'verify ms':>10} {'guard ms':>9}  all verified")
    for question in QUESTIONS:
        reply = Assistant(engine).ask(question)
        answer = reply.to_dict()
        report = verify_answer(answer)
        verify_ms = median_ms(lambda a=answer: verify_answer(a), args.repeat)  # type: ignore[misc]
        guard_ms = median_ms(lambda r=reply, q=question: check_answer(r.answer, r.results, q,  # type: ignore[misc]
                                                                      extra=r.evidence_extra), args.repeat)
        print(f"{reply.intent:<10} {len(report.numbers):>7} {verify_ms:>10.2f} {guard_ms:>9.2f}  {report.ok}")


if __name__ == "__main__":
    main()
