"""`assistant ask`, `assistant chat` and `assistant eval`: the chat engine on the command line.

Thin wiring only: the behaviour lives in assistant.answers.chat (answers) and assistant.answers.evaluation (the
evaluation runner). Output formats follow DESIGN 3.4: `ask --json` prints one object, `chat --jsonl`
one object per input line (flushed after each), and `/reset` prints {"reset": true}.
The answer language is `ask --lang`, else the global `--lang` when it was given explicitly
(`args.lang_given`, set by cli.main), else detected per question.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.index.registry import Lang

DEFAULT_EVAL_FILE = PROJECT_ROOT / "eval" / "questions.yaml"
RESET = "/reset"


def _engine(args: argparse.Namespace) -> Any:
    from assistant.answers.chat import Engine

    settings = Settings.from_env()
    if getattr(args, "data_dir", None):
        settings = dataclasses.replace(settings, data_dir=Path(args.data_dir))
    return Engine(settings)


def _lang(args: argparse.Namespace) -> Lang | None:
    chosen: Lang | None = getattr(args, "question_lang", None)
    if chosen is None and getattr(args, "lang_given", False):
        chosen = args.lang
    return chosen


def _print_json(payload: object, out: TextIO) -> None:
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    out.flush()


def _readable(reply: Any, out: TextIO) -> None:
    out.write(reply.answer + "\n")
    for line in reply.notices:
        if line not in reply.answer:
            out.write(f"({line})\n")
    out.flush()


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answers.chat import Assistant

    reply = Assistant(_engine(args)).ask(args.question, _lang(args))
    if args.json:
        _print_json(reply.to_dict(), sys.stdout)
    else:
        _readable(reply, sys.stdout)
    return 0


def run_chat(assistant: Any, lines: TextIO, out: TextIO, *, jsonl: bool, lang: Lang | None = None) -> int:
    """One question per line; `/reset` starts over; EOF (or /quit interactively) ends the session."""
    interactive = not jsonl and lines.isatty()
    while True:
        if interactive:
            out.write("Frage> " if (lang or assistant.state.language) == "de" else "Question> ")
            out.flush()
        raw = lines.readline()
        if not raw:
            return 0
        question = raw.rstrip("\r\n")
        if question.strip() == RESET:
            assistant.reset()
            if jsonl:
                _print_json({"reset": True}, out)
            else:
                out.write("(neues Gespräch / new conversation)\n")
                out.flush()
            continue
        if not jsonl and question.strip() in ("/quit", "/exit"):
            return 0
        reply = assistant.ask(question, lang)
        if jsonl:
            _print_json(reply.to_dict(), out)
        else:
            _readable(reply, out)
            out.write("\n")


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.answers.chat import Assistant

    return run_chat(Assistant(_engine(args)), sys.stdin, sys.stdout, jsonl=args.jsonl, lang=_lang(args))


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.answers.evaluation import EvalReport, load_questions, run_eval

    files = [Path(f) for f in (args.file or [DEFAULT_EVAL_FILE])]
    loaded = [(path, load_questions(path)) for path in files]  # every file is checked before any is run
    engine = _engine(args)
    outcomes = []
    for path, chains in loaded:
        outcomes += run_eval(engine, chains, source=_display_name(path)).outcomes
    report = EvalReport(outcomes)
    if args.json:
        _print_json(report.to_dict(), sys.stdout)
    else:
        sys.stdout.write(report.render() + "\n")
    return 0 if report.ok else 1


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def register(subparsers: Any) -> None:
    """Add ask, chat and eval to the `assistant` command (called by assistant.cli.commands)."""
    ask = subparsers.add_parser("ask", help="answer one question (--json: the DESIGN 3.4 object)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    ask.add_argument("--lang", dest="question_lang", choices=["de", "en"], default=None,
                     help="answer language (default: the question's language)")
    ask.set_defaults(handler=cmd_ask)

    chat = subparsers.add_parser("chat", help="a conversation; --jsonl: one question per stdin line")
    chat.add_argument("--jsonl", action="store_true", help="read questions from stdin, print JSON lines")
    chat.add_argument("--lang", dest="question_lang", choices=["de", "en"], default=None,
                      help="answer language (default: each question's language)")
    chat.set_defaults(handler=cmd_chat)

    evaluate = subparsers.add_parser("eval", help="run the evaluation questions; exit 1 below the goal")
    evaluate.add_argument("--file", action="append", default=None, metavar="PATH",
                          help=f"question file (YAML); repeat for several (default: {DEFAULT_EVAL_FILE.name})")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.set_defaults(handler=cmd_eval)
