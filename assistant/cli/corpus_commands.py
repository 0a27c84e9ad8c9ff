"""CLI commands for the project corpus and index: `index build`, `search`, `corpus validate`.

`register(subparsers)` is wired into assistant/cli/commands.py by the lead; every handler takes the parsed
namespace and returns the exit code. Exit codes: 0 ok, 1 invalid corpus / index unavailable /
build failure, 2 unknown filter value (usage). Machine-readable output (--json) goes to stdout,
progress and diagnostics to stderr, so `assistant index build --json | tail -1` is parseable.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from assistant.core.errors import AssistantError, DataValidationError, Problem, UnknownNameError
from assistant.core.settings import Settings
from assistant.projects.retrieval import REPAIR_COMMAND, IndexUnavailableError, ProjectSearch

log = logging.getLogger(__name__)


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        settings = dataclasses.replace(settings, data_dir=Path(data_dir))
    return settings


def _lang(args: argparse.Namespace) -> str:
    return "en" if getattr(args, "lang", "de") == "en" else "de"


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "row": problem.row, "field": problem.column,
            "expected": problem.expected, "found": problem.found}


def _print_problems(problems: list[Problem], stream: TextIO) -> None:
    print(f"{len(problems)} problem(s) in the corpus:", file=stream)
    for problem in problems:
        print(f"- {problem}", file=stream)


class ProgressBar:
    """A plain text bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self._last_step = -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, stage: str) -> None:
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        line = f"{stage:<10} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self._tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
            self.stream.flush()
            return
        step = int(fraction * 10)
        if step != self._last_step:
            self._last_step = step
            print(line, file=self.stream)


def _index_build(args: argparse.Namespace) -> int:
    lang = _lang(args)
    with ProjectSearch(_settings(args)) as search:
        return _run_build(search, args, lang)


def _run_build(search: ProjectSearch, args: argparse.Namespace, lang: str) -> int:
    try:
        report = search.build(rebuild=args.rebuild, progress=ProgressBar())
    except DataValidationError as error:
        _print_problems(error.problems, sys.stderr)
        print("Index not changed." if lang == "en" else "Index nicht verändert.", file=sys.stderr)
        return 1
    except AssistantError as error:
        print(str(error), file=sys.stderr)
        return 1
    except Exception as error:  # Chroma or the file system failed mid-build: the old index still answers
        log.debug("index build failed", exc_info=True)
        print(f"The index build failed ({type(error).__name__}: {error}). The previous index is unchanged. "
              f"If this repeats, run `{REPAIR_COMMAND}`; `assistant doctor` checks the installation.", file=sys.stderr)
        return 1
    summary = report.summary()
    if report.quarantined:
        print(f"The damaged index was moved to {report.quarantined}; delete it once the new index answers.",
              file=sys.stderr)
    if args.json:
        print(json.dumps(summary))
    else:
        labels = ("files", "chunks", "embedded", "skipped", "removed", "seconds")
        print(", ".join(f"{name}: {summary[name]}" for name in labels))
        print(f"{'rebuilt' if report.rebuilt else 'updated'} {report.collection} at {search.store.location}")
    return 0


def _search(args: argparse.Namespace) -> int:
    lang = _lang(args)
    started = time.perf_counter()
    try:
        with ProjectSearch(_settings(args)) as search:
            hits = search.search(
                args.query, municipality=args.municipality, kreis=args.kreis, topic=args.topic,
                status=args.status, k=args.k, lang=lang,
            )
    except UnknownNameError as error:
        print(str(error), file=sys.stderr)
        return 2
    except IndexUnavailableError as error:
        print(str(error), file=sys.stderr)
        return 1
    filters = {"municipality": args.municipality, "kreis": args.kreis, "topic": args.topic, "status": args.status}
    if args.json:
        print(json.dumps({"query": args.query, "filters": filters, "projects": [h.to_dict() for h in hits]},
                         ensure_ascii=False))
        return 0
    if not hits:
        print("Keine passenden Projekte gefunden." if lang == "de" else "No matching projects found.")
    for number, hit in enumerate(hits, start=1):
        where = ", ".join(hit.municipalities) or ("regionweit" if lang == "de" else "region-wide")
        print(f"{number}. {hit.title}  [{hit.id}]  score {hit.score:.2f}")
        print(f"   {where} | {', '.join(hit.topics)} | {hit.status}{'' if hit.verified else ' | not verified'}")
        print(f"   {hit.why}")
        passage = " ".join(hit.best_passage.split())
        print(f"   {passage[:300]}{'…' if len(passage) > 300 else ''}")
    print(f"({(time.perf_counter() - started) * 1000:.0f} ms)", file=sys.stderr)
    return 0


def _corpus_validate(args: argparse.Namespace) -> int:
    from assistant.index.data import load_registry
    from assistant.projects.corpus import validate_corpus
    from assistant.understanding.project_names import is_ordinary_word

    settings = _settings(args)
    try:
        registry = load_registry(settings.data_dir)
    except DataValidationError as error:
        print(f"Cannot check municipality names, index data is invalid:\n{error}", file=sys.stderr)
        return 1
    projects, problems = validate_corpus(settings.corpus_dir, registry, is_ordinary_word)
    if args.json:
        print(json.dumps({"valid": not problems, "projects": len(projects),
                          "problems": [_problem_dict(p) for p in problems]}, ensure_ascii=False))
    elif problems:
        _print_problems(problems, sys.stdout)
    else:
        print(f"{len(projects)} project file(s) valid in {settings.corpus_dir}")
    return 1 if problems else 0


def register(subparsers: Any) -> None:
    """Add `index build`, `search` and `corpus validate` to the main parser's subparsers."""
    index = subparsers.add_parser("index", help="build the project index")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    build = index_commands.add_parser("build", help="index corpus/*.md (incremental by content hash)")
    build.add_argument("--rebuild", action="store_true", help="build a fresh collection and switch over when done")
    build.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    build.set_defaults(handler=_index_build)

    search = subparsers.add_parser("search", help="search the project corpus")
    search.add_argument("query")
    search.add_argument("--municipality", "-m", default=None)
    search.add_argument("--kreis", default=None)
    search.add_argument("--topic", "-t", default=None)
    search.add_argument("--status", default=None)
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=_search)

    corpus = subparsers.add_parser("corpus", help="check the project corpus")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True)
    validate = corpus_commands.add_parser("validate", help="check every corpus file and list all problems")
    validate.add_argument("--json", action="store_true")
    validate.set_defaults(handler=_corpus_validate)
