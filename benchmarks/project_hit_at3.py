"""Project hit@3 of the newcomer questions: the search path against the chat path (issue 9).

    python benchmarks/project_hit_at3.py [FILE ...] [--json]

Issue 9 found that `assistant search` puts the right project in its top 3 far more often than
`assistant chat` does for the same question: the chat loses the project somewhere between
understanding and answering. This script puts the two side by side on every turn of the question
files that states `project_top3_any` (default: eval/newcomer_dev.yaml and eval/newcomer_test.yaml):

- **search**: the function behind `assistant search QUERY` (`ProjectSearch.search`, the CLI's default
  k=5, no filters), with the turn's question text as the query. Follow-up turns ("und in Bochum?")
  are searched as they stand, without the conversation, exactly as a user typing them into
  `assistant search` would;
- **ask**: the function behind `assistant ask` / `assistant chat` (`Assistant.ask` on an `Engine` built
  from the same settings as the CLI), one fresh conversation per entry so follow-ups keep their
  context; the hit is judged on the first three `projects` of the answer object.

A hit means one of the turn's `project_top3_any` ids is among the first three. Both paths use the
index the CLI uses: `Settings.from_env()` (ASSISTANT_HOME, ASSISTANT_EMBEDDER, CHROMA_HOST). When
ASSISTANT_HOME is not set, the index is built in a temporary ASSISTANT_HOME that is deleted at the
end (the script says so); otherwise it is brought up to date incrementally, as `assistant index
build` does. One unmeasured call per path loads the embedder first; p50 latencies are per turn.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answers.evaluation import load_questions  # noqa: E402
from assistant.core.settings import Settings  # noqa: E402

DEFAULT_FILES = (ROOT / "eval" / "newcomer_dev.yaml", ROOT / "eval" / "newcomer_test.yaml")
SEARCH_K = 5  # the default of `assistant search -k`
TOP = 3


@dataclass(frozen=True)
class Case:
    """One turn with a project expectation."""

    file: str
    chain: str
    category: str
    turn: int
    question: str
    lang: str
    acceptable: frozenset[str]


@dataclass
class Result:
    case: Case
    search_top: list[str]
    ask_top: list[str]
    search_ms: float
    ask_ms: float

    @property
    def search_hit(self) -> bool:
        return bool(self.case.acceptable & set(self.search_top))

    @property
    def ask_hit(self) -> bool:
        return bool(self.case.acceptable & set(self.ask_top))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def run(files: list[Path], settings: Settings) -> list[Result]:
    from assistant.answers.chat import Assistant, Engine
    from assistant.projects.retrieval import ProjectSearch

    loaded = [(_display(path), load_questions(path)) for path in files]
    results: list[Result] = []
    with ProjectSearch(settings) as search:
        built = search.build()
        print(f"index: {search.store.location} ({built.chunks} chunks from {built.files} files; "
              f"embedded in this run: {built.embedded})", file=sys.stderr)
        search.search("Glasfaser", k=SEARCH_K)  # unmeasured: loads the embedder
        for name, chains in loaded:
            for chain in chains:
                for n, turn in enumerate(chain["turns"], start=1):
                    acceptable = (turn.get("expect") or {}).get("project_top3_any")
                    if not acceptable:
                        continue
                    case = Case(name, str(chain["id"]), str((chain.get("tags") or ["?"])[0]), n, turn["q"],
                                str(turn.get("lang") or chain.get("lang") or "de"), frozenset(acceptable))
                    started = time.perf_counter()
                    hits = search.search(case.question, k=SEARCH_K, lang=case.lang)
                    elapsed = 1000 * (time.perf_counter() - started)
                    results.append(Result(case, [h.id for h in hits][:TOP], [], elapsed, 0.0))

    engine = Engine(settings)
    engine.warm()
    Assistant(engine).ask("Welche Projekte gibt es zu Glasfaser?")  # unmeasured: loads the project index
    pending = iter(results)
    for name, chains in loaded:
        for chain in chains:
            assistant = Assistant(engine)
            for n, turn in enumerate(chain["turns"], start=1):
                started = time.perf_counter()
                reply = assistant.ask(turn["q"])
                elapsed = 1000 * (time.perf_counter() - started)
                if (turn.get("expect") or {}).get("project_top3_any"):
                    result = next(pending)
                    assert (result.case.file, result.case.chain, result.case.turn) == (name, chain["id"], n)
                    result.ask_top = [str(p.get("id")) for p in reply.projects[:TOP]]
                    result.ask_ms = elapsed
    return results


def _rate(hits: int, total: int) -> str:
    return f"{hits:>3}/{total:<3} {100 * hits / total:5.1f}%" if total else f"{'-':>15}"


def table(results: list[Result], key: str) -> list[tuple[str, int, int, int]]:
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(getattr(r.case, key), []).append(r)
    return [(label, len(rs), sum(r.search_hit for r in rs), sum(r.ask_hit for r in rs))
            for label, rs in groups.items()]


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summary(results: list[Result]) -> dict[str, Any]:
    def rows(key: str) -> dict[str, dict[str, int]]:
        return {label: {"turns": n, "search_hits": s, "ask_hits": a} for label, n, s, a in table(results, key)}

    per_file_category: dict[str, dict[str, dict[str, int]]] = {}
    for file in {r.case.file for r in results}:
        subset = [r for r in results if r.case.file == file]
        per_file_category[file] = {label: {"turns": n, "search_hits": s, "ask_hits": a}
                                   for label, n, s, a in table(subset, "category")}
    return {
        "turns": len(results),
        "search_hits": sum(r.search_hit for r in results), "ask_hits": sum(r.ask_hit for r in results),
        "per_file": rows("file"), "per_category": rows("category"), "per_file_category": per_file_category,
        "p50_ms": {"search": round(p50([r.search_ms for r in results]), 1),
                   "ask": round(p50([r.ask_ms for r in results]), 1)},
        "misses": [{"file": r.case.file, "chain": r.case.chain, "turn": r.case.turn, "question": r.case.question,
                    "acceptable": sorted(r.case.acceptable), "search_top3": r.search_top, "ask_top3": r.ask_top}
                   for r in results if not (r.search_hit and r.ask_hit)],
    }


def render(results: list[Result]) -> str:
    header = f"{'':<34} {'turns':>5}  {'search hit@3':>15}  {'ask hit@3':>15}"
    lines = [header]
    for label, n, s, a in table(results, "file"):
        lines.append(f"{label:<34} {n:>5}  {_rate(s, n)}  {_rate(a, n)}")
    total = len(results)
    lines.append(f"{'all files':<34} {total:>5}  {_rate(sum(r.search_hit for r in results), total)}  "
                 f"{_rate(sum(r.ask_hit for r in results), total)}")
    for file in dict.fromkeys(r.case.file for r in results):
        lines += ["", f"{file}, per category:", header]
        subset = [r for r in results if r.case.file == file]
        lines += [f"{label:<34} {n:>5}  {_rate(s, n)}  {_rate(a, n)}" for label, n, s, a in table(subset, "category")]
    lines += ["", "all files, per category:", header]
    lines += [f"{label:<34} {n:>5}  {_rate(s, n)}  {_rate(a, n)}" for label, n, s, a in table(results, "category")]
    lines.append("")
    lines.append(f"p50 latency per turn: search {p50([r.search_ms for r in results]):.1f} ms, "
                 f"ask {p50([r.ask_ms for r in results]):.1f} ms (the machine may be shared; compare, do not quote)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="question files (default: the two newcomer files)")
    parser.add_argument("--json", action="store_true", help="print the figures (and the misses) as JSON")
    parser.add_argument("--misses", action="store_true", help="list the turns one of the paths misses")
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    temporary = None
    if not os.environ.get("ASSISTANT_HOME"):
        temporary = tempfile.mkdtemp(prefix="assistant-home-")
        os.environ["ASSISTANT_HOME"] = temporary
        print(f"ASSISTANT_HOME is not set: building the project index in the temporary {temporary} "
              "(deleted at the end)", file=sys.stderr)
    try:
        results = run(list(args.files) or list(DEFAULT_FILES), Settings.from_env())
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    if args.json:
        print(json.dumps(summary(results), ensure_ascii=False, indent=2))
        return 0
    print(render(results))
    if args.misses:
        print("\nMisses (S = search path, A = ask path):")
        for r in results:
            if not (r.search_hit and r.ask_hit):
                marks = ("" if r.search_hit else "S") + ("" if r.ask_hit else "A")
                print(f"- [{marks:<2}] {r.case.chain} #{r.case.turn} {r.case.question!r}: "
                      f"want {sorted(r.case.acceptable)}; search {r.search_top}; ask {r.ask_top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
